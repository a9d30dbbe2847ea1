// The unified identity: one customer per app user, and one identity row per external id, with how
// each link was made (`id` from our own reference, `email` when only an email matched: unverified).
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { customers, entitlements, identities, type Customer, type Entitlement, type Identity } from "@/db/schema";

type System = "app" | "stripe" | "hubspot" | "zendesk";

/** Creates the customer of an app user, or updates the fields given; returns it. */
export async function upsertAppCustomer(
  db: Db,
  input: { appUserId: string; email?: string | null; name?: string | null; signedUpAt?: Date | null; asOf?: Date },
): Promise<Customer> {
  const set: Partial<typeof customers.$inferInsert> = { updatedAt: new Date() };
  if (input.email) set.email = input.email.toLowerCase();
  if (input.name) set.name = input.name;
  if (input.signedUpAt) set.signedUpAt = input.signedUpAt;
  if (input.asOf) set.profileUpdatedAt = input.asOf;
  await db
    .insert(customers)
    .values({
      appUserId: input.appUserId,
      email: input.email?.toLowerCase() ?? null,
      name: input.name ?? null,
      signedUpAt: input.signedUpAt ?? null,
      profileUpdatedAt: input.asOf ?? null,
    })
    .onConflictDoUpdate({
      target: customers.appUserId,
      set,
      // A profile change older than the one applied is dropped (the app's events can arrive out of order).
      setWhere: input.asOf
        ? sql`${customers.profileUpdatedAt} is null or ${customers.profileUpdatedAt} <= ${input.asOf.toISOString()}::timestamptz`
        : undefined,
    });
  const row = (await customerByAppUserId(db, input.appUserId))!;
  await linkIdentity(db, row.id, "app", input.appUserId, "id");
  return row;
}

/**
 * Links an external id to a customer. Idempotent; an existing link of that external id wins (a
 * different customer keeps it), and a verified link is never downgraded to an email match.
 */
export async function linkIdentity(
  db: Db,
  customerId: string,
  system: System,
  externalId: string,
  matchedBy: "id" | "email" | "manual",
) {
  const verified = matchedBy !== "email";
  await db
    .insert(identities)
    .values({ customerId, system, externalId, matchedBy, verified, lastSyncedAt: new Date() })
    .onConflictDoUpdate({
      target: [identities.customerId, identities.system],
      set: {
        externalId: sql`case when ${identities.verified} and not excluded.verified then ${identities.externalId} else excluded.external_id end`,
        matchedBy: sql`case when ${identities.verified} and not excluded.verified then ${identities.matchedBy} else excluded.matched_by end`,
        verified: sql`${identities.verified} or excluded.verified`,
        lastSyncedAt: new Date(),
        updatedAt: new Date(),
      },
    })
    .catch(async (err) => {
      // (system, external id) already belongs to someone: keep that link.
      if ((err as { cause?: { code?: string } }).cause?.code !== "23505") throw err;
    });
}

export async function customerByIdentity(db: Db, system: System, externalId: string): Promise<Customer | undefined> {
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

export async function customerByEmail(db: Db, email: string): Promise<Customer | undefined> {
  const rows = await db
    .select()
    .from(customers)
    .where(sql`lower(${customers.email}) = ${email.toLowerCase()}`)
    .limit(2);
  return rows.length === 1 ? rows[0] : undefined; // two customers share it: no guess
}

export async function identityOf(db: Db, customerId: string, system: System): Promise<string | undefined> {
  return (await identityLink(db, customerId, system))?.externalId;
}

/** The customer's link in `system` (the whole row: how it was matched, whether verified). */
export async function identityLink(db: Db, customerId: string, system: System): Promise<Identity | undefined> {
  const [row] = await db
    .select()
    .from(identities)
    .where(and(eq(identities.customerId, customerId), eq(identities.system, system)))
    .limit(1);
  return row;
}

/** The founder confirmed an email match: the link becomes verified. */
export async function markIdentityVerified(db: Db, identityId: string): Promise<void> {
  await db.update(identities).set({ verified: true, updatedAt: new Date() }).where(eq(identities.id, identityId));
}

export async function deleteIdentity(db: Db, identityId: string): Promise<void> {
  await db.delete(identities).where(eq(identities.id, identityId));
}

/**
 * Links an external id chosen by the founder (verified, `manual`), replacing the customer's link in that
 * system. Throws a unique violation when the id belongs to another customer.
 */
export async function linkIdentityManually(
  db: Db,
  customerId: string,
  system: System,
  externalId: string,
): Promise<void> {
  await db
    .insert(identities)
    .values({ customerId, system, externalId, matchedBy: "manual", verified: true })
    .onConflictDoUpdate({
      target: [identities.customerId, identities.system],
      set: { externalId, matchedBy: "manual", verified: true, updatedAt: new Date() },
    });
}

/** The customer row with its entitlement (none yet: null), what the HubSpot projection is written from. */
export async function customerWithEntitlement(
  db: Db,
  customerId: string,
): Promise<{ customer: Customer; entitlement: Entitlement | null } | undefined> {
  const [row] = await db
    .select({ customer: customers, entitlement: entitlements })
    .from(customers)
    .leftJoin(entitlements, eq(entitlements.customerId, customers.id))
    .where(eq(customers.id, customerId))
    .limit(1);
  return row;
}
