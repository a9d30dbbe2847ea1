// The unified identity: one customer per app user, and one identity row per external id, with how
// each link was made (`id` from our own reference, `email` when only an email matched: unverified).
import { and, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import { type Db, inTransaction } from "@/db";
import {
  alerts,
  customers,
  entitlements,
  events,
  identities,
  supportTickets,
  type Customer,
  type Entitlement,
  type Identity,
} from "@/db/schema";

type System = "app" | "stripe" | "hubspot" | "zendesk" | "intercom";

// The app user's own upsert lives in ./app-customers (a prepared statement per input shape).
export { type AppUserFields, upsertAppCustomer, upsertAppCustomerCounting } from "./app-customers";

/** The key of a provisional customer: a payer the app has not announced, known by their Stripe customer. */
export const provisionalKey = (stripeCustomerId: string) => `stripe:${stripeCustomerId}`;

/** The provisional customer of a Stripe customer, created on first sight with the Stripe link (by id). */
export async function upsertProvisionalCustomer(
  db: Db,
  stripeCustomerId: string,
  email: string | null,
): Promise<Customer> {
  const appUserId = provisionalKey(stripeCustomerId);
  await db
    .insert(customers)
    .values({ appUserId, email: email?.toLowerCase() ?? null, provisional: true })
    .onConflictDoUpdate({
      target: customers.appUserId,
      set: { email: sql`coalesce(${customers.email}, excluded.email)`, updatedAt: new Date() },
    });
  const row = (await customerByAppUserId(db, appUserId))!;
  await linkIdentity(db, row.id, "stripe", stripeCustomerId, "id");
  return row;
}

/** Provisional customers (payers not yet claimed by an app user) with this email. */
export async function provisionalCustomersByEmail(db: Db, email: string): Promise<Customer[]> {
  return db
    .select()
    .from(customers)
    .where(and(eq(customers.provisional, true), sql`lower(${customers.email}) = ${email.toLowerCase()}`))
    .limit(10);
}

/** App customers (not provisional) with this email: the candidates a payer's email may belong to. */
export async function appCustomersByEmail(db: Db, email: string): Promise<Customer[]> {
  return db
    .select()
    .from(customers)
    .where(and(eq(customers.provisional, false), sql`lower(${customers.email}) = ${email.toLowerCase()}`))
    .limit(2);
}

/** Records that `appUserId` claims this provisional customer and waits for the founder (unverified email). */
export async function markPendingClaim(db: Db, provisionalId: string, appUserId: string): Promise<void> {
  await db
    .update(customers)
    .set({ pendingClaimAppUserId: appUserId, pendingClaimAt: new Date(), updatedAt: new Date() })
    .where(
      and(
        eq(customers.id, provisionalId),
        eq(customers.provisional, true),
        sql`${customers.pendingClaimAppUserId} is distinct from ${appUserId}`,
      ),
    );
}

/** Clears a pending claim (the founder said it is not the same person). */
export async function clearPendingClaim(db: Db, provisionalId: string): Promise<void> {
  await db
    .update(customers)
    .set({ pendingClaimAppUserId: null, pendingClaimAt: null, updatedAt: new Date() })
    .where(eq(customers.id, provisionalId));
}

/** Provisional customers an app user's claim waits on (shown on that user's page). */
export async function pendingClaimsOf(db: Db, appUserId: string): Promise<Customer[]> {
  return db.select().from(customers).where(eq(customers.pendingClaimAppUserId, appUserId)).limit(10);
}

export type MergeOutcome = { merged: boolean; moved: string[]; dropped: string[] };

/**
 * Merges a provisional customer into an app user's customer, in one transaction: its identities (unless the
 * app customer already has one in that system: the app customer's wins and the other is dropped), its
 * entitlement (the newer of the two by Stripe time), and its events, tickets and alerts; then deletes it.
 * `stripeLink` says how the moved Stripe link now counts (by email, verified or not, or confirmed by hand).
 * Idempotent: merging a customer that is already gone answers `merged: false`.
 */
export async function mergeProvisionalCustomer(
  db: Db,
  fromId: string,
  intoId: string,
  stripeLink: { matchedBy: "id" | "email" | "manual"; verified: boolean },
): Promise<MergeOutcome> {
  return inTransaction(db, async (tx) => {
    // Both rows locked (in id order, so two merges never deadlock); a merge that lost a race finds `from` gone.
    const rows = await tx
      .select()
      .from(customers)
      .where(inArray(customers.id, [fromId, intoId]))
      .orderBy(customers.id)
      .for("update");
    const from = rows.find((r) => r.id === fromId);
    const into = rows.find((r) => r.id === intoId);
    if (!from?.provisional || !into || fromId === intoId) return { merged: false, moved: [], dropped: [] };
    const fromLinks = await tx.select().from(identities).where(eq(identities.customerId, fromId));
    const intoSystems = new Set(
      (await tx.select().from(identities).where(eq(identities.customerId, intoId))).map((i) => i.system),
    );
    const moved: string[] = [];
    const dropped: string[] = [];
    for (const link of fromLinks) {
      if (intoSystems.has(link.system)) {
        dropped.push(`${link.system}:${link.externalId}`);
        await tx.delete(identities).where(eq(identities.id, link.id));
        continue;
      }
      moved.push(`${link.system}:${link.externalId}`);
      await tx
        .update(identities)
        .set({
          customerId: intoId,
          ...(link.system === "stripe" ? stripeLink : {}),
          updatedAt: new Date(),
        })
        .where(eq(identities.id, link.id));
    }
    const [fromEnt] = await tx.select().from(entitlements).where(eq(entitlements.customerId, fromId)).limit(1);
    if (fromEnt) {
      const [intoEnt] = await tx.select().from(entitlements).where(eq(entitlements.customerId, intoId)).limit(1);
      const fromNewer =
        !intoEnt ||
        intoEnt.status === "none" ||
        (fromEnt.sourceUpdatedAt?.getTime() ?? 0) >= (intoEnt.sourceUpdatedAt?.getTime() ?? 0);
      if (fromNewer) {
        if (intoEnt) await tx.delete(entitlements).where(eq(entitlements.customerId, intoId));
        await tx
          .update(entitlements)
          .set({ customerId: intoId, updatedAt: new Date() })
          .where(eq(entitlements.customerId, fromId));
      }
    }
    await tx.update(events).set({ customerId: intoId }).where(eq(events.customerId, fromId));
    await tx.update(supportTickets).set({ customerId: intoId }).where(eq(supportTickets.customerId, fromId));
    await tx.update(alerts).set({ customerId: intoId }).where(eq(alerts.customerId, fromId));
    if (!into.email && from.email)
      await tx.update(customers).set({ email: from.email, updatedAt: new Date() }).where(eq(customers.id, intoId));
    await tx.delete(customers).where(eq(customers.id, fromId));
    return { merged: true, moved, dropped };
  });
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
): Promise<LinkOutcome> {
  const verified = matchedBy !== "email";
  return db
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
    .then((): LinkOutcome => ({ linked: true }))
    .catch(async (err): Promise<LinkOutcome> => {
      // (system, external id) already belongs to someone: keep that link, and say whose it is.
      if ((err as { cause?: { code?: string } }).cause?.code !== "23505") throw err;
      const owner = await customerByIdentity(db, system, externalId);
      if (!owner) throw err;
      return owner.id === customerId ? { linked: true } : { linked: false, owner };
    });
}

/** Whether a link was made, or the external id already belongs to another customer (who keeps it). */
export type LinkOutcome = { linked: true } | { linked: false; owner: Customer };

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

/** The one app customer (not provisional) with this email; none when two share it (no guess). */
export async function customerByEmail(db: Db, email: string): Promise<Customer | undefined> {
  const rows = await appCustomersByEmail(db, email);
  return rows.length === 1 ? rows[0] : undefined;
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
  const [row] = await db
    .select({ customer: customers, entitlement: entitlements })
    .from(customers)
    .leftJoin(entitlements, eq(entitlements.customerId, customers.id))
    .where(eq(customers.id, customerId))
    .limit(1);
  return row;
}

/**
 * What the HubSpot projection is written from, in one query: the customer, its entitlement (none yet: null)
 * and its Stripe customer id.
 */
export async function customerProjectionRow(
  db: Db,
  customerId: string,
): Promise<{ customer: Customer; entitlement: Entitlement | null; stripeCustomerId: string | null } | undefined> {
  const [row] = await db
    .select({
      customer: customers,
      entitlement: entitlements,
      stripeCustomerId: sql<
        string | null
      >`(select i.external_id from identities i where i.customer_id = "customers"."id" and i.system = 'stripe' limit 1)`,
    })
    .from(customers)
    .leftJoin(entitlements, eq(entitlements.customerId, customers.id))
    .where(eq(customers.id, customerId))
    .limit(1);
  return row;
}

/** The customers of many external ids of one system, in one query: external id → customer id. */
export async function customerIdsByExternalIds(
  db: Db,
  system: System,
  externalIds: string[],
): Promise<Map<string, string>> {
  if (!externalIds.length) return new Map();
  const rows = await db
    .select({ externalId: identities.externalId, customerId: identities.customerId })
    .from(identities)
    .where(and(eq(identities.system, system), inArray(identities.externalId, externalIds)));
  return new Map(rows.map((r) => [r.externalId, r.customerId]));
}
