// Entitlements follow Stripe, but only forward in time: a state is applied only when its source
// timestamp is not older than the one already applied, so out-of-order deliveries never regress it. A dispute
// flag is kept beside them (set when one opens, cleared when it is won).
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { customers, entitlements, type Customer, type Entitlement } from "@/db/schema";

export type EntitlementChange = {
  status: Entitlement["status"];
  plan?: string | null;
  currentPeriodEnd?: Date | null;
  cancelAtPeriodEnd?: boolean;
  stripeSubscriptionId?: string | null;
  /** The one-time payment that grants this access (absent: unchanged; null: none, a subscription grants it). */
  stripePaymentIntentId?: string | null;
};

/**
 * Applies the change if `sourceTime` is not older than the applied one; answers whether it applied. With
 * `onlyPaymentIntent`, an existing entitlement changes only when that payment is the one that granted it (a
 * refund of another payment leaves it alone); with no entitlement yet, the change is recorded, so that the
 * grant of a payment refunded before its own event arrived is older and loses.
 */
export async function applyEntitlement(
  db: Db,
  customerId: string,
  change: EntitlementChange,
  sourceTime: Date,
  sourceEventId: string,
  opts: { onlyPaymentIntent?: string } = {},
): Promise<boolean> {
  const values = {
    customerId,
    status: change.status,
    plan: change.plan ?? null,
    currentPeriodEnd: change.currentPeriodEnd ?? null,
    cancelAtPeriodEnd: change.cancelAtPeriodEnd ?? false,
    stripeSubscriptionId: change.stripeSubscriptionId ?? null,
    stripePaymentIntentId: change.stripePaymentIntentId ?? opts.onlyPaymentIntent ?? null,
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
        stripePaymentIntentId:
          change.stripePaymentIntentId === undefined
            ? sql`${entitlements.stripePaymentIntentId}`
            : sql`excluded.stripe_payment_intent_id`,
        sourceUpdatedAt: sql`excluded.source_updated_at`,
        sourceEventId: sql`excluded.source_event_id`,
        updatedAt: new Date(),
      },
      setWhere: and(
        sql`(${entitlements.sourceUpdatedAt} is null or ${entitlements.sourceUpdatedAt} <= excluded.source_updated_at)`,
        opts.onlyPaymentIntent ? eq(entitlements.stripePaymentIntentId, opts.onlyPaymentIntent) : undefined,
      ),
    })
    .returning({ customerId: entitlements.customerId });
  return rows.length > 0;
}

export async function entitlementOf(db: Db, customerId: string): Promise<Entitlement | undefined> {
  const [row] = await db.select().from(entitlements).where(eq(entitlements.customerId, customerId)).limit(1);
  return row;
}

/** The customer whose access a one-time payment granted, if any. */
export async function customerByPaymentIntent(db: Db, paymentIntentId: string): Promise<Customer | undefined> {
  const [row] = await db
    .select({ customer: customers })
    .from(entitlements)
    .innerJoin(customers, eq(customers.id, entitlements.customerId))
    .where(eq(entitlements.stripePaymentIntentId, paymentIntentId))
    .limit(1);
  return row?.customer;
}

/**
 * Flags an open dispute (`at`) or clears it (null). A flag already set keeps its time, and a clear applies
 * only to a flag raised at or before `asOf` (the closing event's time).
 */
export async function setDisputed(db: Db, customerId: string, at: Date | null, asOf: Date): Promise<boolean> {
  const rows = at
    ? await db
        .insert(entitlements)
        .values({ customerId, status: "none", disputedAt: at })
        .onConflictDoUpdate({
          target: entitlements.customerId,
          set: { disputedAt: sql`coalesce(${entitlements.disputedAt}, excluded.disputed_at)`, updatedAt: new Date() },
        })
        .returning({ customerId: entitlements.customerId })
    : await db
        .update(entitlements)
        .set({ disputedAt: null, updatedAt: new Date() })
        .where(and(eq(entitlements.customerId, customerId), sql`${entitlements.disputedAt} <= ${asOf.toISOString()}`))
        .returning({ customerId: entitlements.customerId });
  return rows.length > 0;
}
