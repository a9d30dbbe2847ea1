// Payers the app has not announced yet: a provisional customer per Stripe customer, the app user's claim on
// it (waiting for the founder when the email is unverified), and the merge into the app user's customer.
import { and, eq, inArray, sql } from "drizzle-orm";
import { type Db, inTransaction } from "@/db";
import { alerts, customers, entitlements, events, identities, supportTickets, type Customer } from "@/db/schema";
import { linkIdentity } from "./identity-links";
import { customerByAppUserId } from "./identity-lookups";

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
