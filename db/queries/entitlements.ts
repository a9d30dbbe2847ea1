// Entitlements follow Stripe, but only forward in time: a state is applied only when its source
// timestamp is not older than the one already applied, so out-of-order deliveries never regress it.
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { entitlements, type Entitlement } from "@/db/schema";

export type EntitlementChange = {
  status: Entitlement["status"];
  plan?: string | null;
  currentPeriodEnd?: Date | null;
  cancelAtPeriodEnd?: boolean;
  stripeSubscriptionId?: string | null;
};

/** Applies the change if `sourceTime` is not older than the applied one; answers whether it applied. */
export async function applyEntitlement(
  db: Db,
  customerId: string,
  change: EntitlementChange,
  sourceTime: Date,
  sourceEventId: string,
): Promise<boolean> {
  const values = {
    customerId,
    status: change.status,
    plan: change.plan ?? null,
    currentPeriodEnd: change.currentPeriodEnd ?? null,
    cancelAtPeriodEnd: change.cancelAtPeriodEnd ?? false,
    stripeSubscriptionId: change.stripeSubscriptionId ?? null,
    sourceUpdatedAt: sourceTime,
    sourceEventId,
  };
  const rows = await db
    .insert(entitlements)
    .values(values)
    .onConflictDoUpdate({
      target: entitlements.customerId,
      set: {
        status: sql`excluded.status`,
        plan: sql`coalesce(excluded.plan, ${entitlements.plan})`,
        currentPeriodEnd: sql`coalesce(excluded.current_period_end, ${entitlements.currentPeriodEnd})`,
        cancelAtPeriodEnd:
          change.cancelAtPeriodEnd === undefined
            ? sql`${entitlements.cancelAtPeriodEnd}`
            : sql`excluded.cancel_at_period_end`,
        stripeSubscriptionId: sql`coalesce(excluded.stripe_subscription_id, ${entitlements.stripeSubscriptionId})`,
        sourceUpdatedAt: sql`excluded.source_updated_at`,
        sourceEventId: sql`excluded.source_event_id`,
        updatedAt: new Date(),
      },
      setWhere: sql`${entitlements.sourceUpdatedAt} is null or ${entitlements.sourceUpdatedAt} <= excluded.source_updated_at`,
    })
    .returning({ customerId: entitlements.customerId });
  return rows.length > 0;
}

export async function entitlementOf(db: Db, customerId: string): Promise<Entitlement | undefined> {
  const [row] = await db.select().from(entitlements).where(eq(entitlements.customerId, customerId)).limit(1);
  return row;
}
