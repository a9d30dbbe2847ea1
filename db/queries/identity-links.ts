// Linking external ids to a customer: automatic links (by our id, or by email: unverified) that never take an
// id another customer holds, the founder's manual links, confirmation and removal.
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { identities, type Customer } from "@/db/schema";
import { customerByIdentity, type IdentitySystem } from "./identity-lookups";

/**
 * Links an external id to a customer. Idempotent; an existing link of that external id wins (a
 * different customer keeps it), and a verified link is never downgraded to an email match.
 */
export async function linkIdentity(
  db: Db,
  customerId: string,
  system: IdentitySystem,
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
  system: IdentitySystem,
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
