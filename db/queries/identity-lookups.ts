// Reads of the unified identity: a customer by app user id, email or external id, a customer's link in each
// system, and the row the HubSpot projection is written from.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { customers, entitlements, identities, type Customer, type Entitlement, type Identity } from "@/db/schema";

/** The systems a customer is linked in (one identity row per system). */
export type IdentitySystem = "app" | "stripe" | "hubspot" | "zendesk" | "intercom";

/** App customers (not provisional) with this email: the candidates a payer's email may belong to. */
export async function appCustomersByEmail(db: Db, email: string): Promise<Customer[]> {
  return db
    .select()
    .from(customers)
    .where(and(eq(customers.provisional, false), sql`lower(${customers.email}) = ${email.toLowerCase()}`))
    .limit(2);
}

export async function customerByIdentity(
  db: Db,
  system: IdentitySystem,
  externalId: string,
): Promise<Customer | undefined> {
  const [row] = await db
    .select({ customer: customers })
    .from(identities)
    .innerJoin(customers, eq(customers.id, identities.customerId))
    .where(and(eq(identities.system, system), eq(identities.externalId, externalId)))
    .limit(1);
  return row?.customer;
}

export async function customerByAppUserId(db: Db, appUserId: string): Promise<Customer | undefined> {
  const [row] = await db.select().from(customers).where(eq(customers.appUserId, appUserId)).limit(1);
  return row;
}

/** The one app customer (not provisional) with this email; none when two share it (no guess). */
export async function customerByEmail(db: Db, email: string): Promise<Customer | undefined> {
  const rows = await appCustomersByEmail(db, email);
  return rows.length === 1 ? rows[0] : undefined;
}

export async function identityOf(db: Db, customerId: string, system: IdentitySystem): Promise<string | undefined> {
  return (await identityLink(db, customerId, system))?.externalId;
}

/** The customer's link in `system` (the whole row: how it was matched, whether verified). */
export async function identityLink(db: Db, customerId: string, system: IdentitySystem): Promise<Identity | undefined> {
  const [row] = await db
    .select()
    .from(identities)
    .where(and(eq(identities.customerId, customerId), eq(identities.system, system)))
    .limit(1);
  return row;
}

/** What the HubSpot projection reads besides the customer row: its entitlement's status and plan, its Stripe id. */
export type CarriedProjection = {
  entitlement: { status: string; plan: string | null } | null;
  stripeCustomerId: string | null;
};

/** The customer row with its entitlement (none yet: null), what the HubSpot projection is written from. */
export async function customerWithEntitlement(
  db: Db,
  customerId: string,
): Promise<{ customer: Customer; entitlement: Entitlement | null } | undefined> {
  const row = await customerProjectionRow(db, customerId);
  return row && { customer: row.customer, entitlement: row.entitlement };
}

// Read once per event whose projection was not carried (a replay, a Stripe event): prepared once per database
// and process, so PostgreSQL plans it once per connection instead of on every call.
const projectionStatements = new WeakMap<Db, ReturnType<typeof prepareProjection>>();
function prepareProjection(db: Db) {
  return db
    .select({
      customer: customers,
      entitlement: entitlements,
      stripeCustomerId: sql<
        string | null
      >`(select i.external_id from identities i where i.customer_id = "customers"."id" and i.system = 'stripe' limit 1)`,
    })
    .from(customers)
    .leftJoin(entitlements, eq(entitlements.customerId, customers.id))
    .where(eq(customers.id, sql.placeholder("customerId")))
    .limit(1)
    .prepare("customer_projection");
}

/**
 * What the HubSpot projection is written from, in one query: the customer, its entitlement (none yet: null)
 * and its Stripe customer id.
 */
export async function customerProjectionRow(
  db: Db,
  customerId: string,
): Promise<{ customer: Customer; entitlement: Entitlement | null; stripeCustomerId: string | null } | undefined> {
  let statement = projectionStatements.get(db);
  if (!statement) {
    statement = prepareProjection(db);
    projectionStatements.set(db, statement);
  }
  const [row] = await statement.execute({ customerId });
  return row;
}

/** The customers of many external ids of one system, in one query: external id → customer id. */
export async function customerIdsByExternalIds(
  db: Db,
  system: IdentitySystem,
  externalIds: string[],
): Promise<Map<string, string>> {
  if (!externalIds.length) return new Map();
  const rows = await db
    .select({ externalId: identities.externalId, customerId: identities.customerId })
    .from(identities)
    .where(and(eq(identities.system, system), inArray(identities.externalId, externalIds)));
  return new Map(rows.map((r) => [r.externalId, r.customerId]));
}
