// `update-entitlement` steps: from a subscription object (fetched from Stripe when we only have its id), or
// from a one-time payment; a change that does not apply says why it was skipped.
import type Stripe from "stripe";
import { classifyStripeError } from "@/lib/integrations/stripe/errors";
import { customerFrom } from "./resolve-identity";
import { applyEntitlement, type EntitlementChange } from "@/db/queries/entitlements";
import { subscriptionState } from "@/lib/integrations/stripe/shapes";
import type { Step, StepContext, StripePayload } from "../engine/types";
import { STEP } from "../engine/step-names";

type Obj = Record<string, unknown>;

export async function fetchSubscription(ctx: StepContext<StripePayload>, id: string): Promise<Obj> {
  try {
    return (await ctx.services.stripe.subscriptions.retrieve(id)) as unknown as Obj;
  } catch (err) {
    throw classifyStripeError(err);
  }
}

/** What a change step answers when nothing is to change, and why. */
export type Skip = { skip: string };
export const skip = (reason: string): Skip => ({ skip: reason });

/** The change, with `onlyPaymentIntent` when it may only touch the access that payment granted. */
export type ScopedChange = EntitlementChange & { onlyPaymentIntent?: string };

/** Applies `change` (or skips when it returns null or a reason) at the event's time: older events never win. */
export function entitlementStep(
  change: (ctx: StepContext<StripePayload>) => Promise<ScopedChange | Skip | null>,
): Step<StripePayload> {
  return {
    name: STEP.updateEntitlement,
    run: async (ctx) => {
      const next = await change(ctx);
      if (!next || "skip" in next)
        return { skipped: true, output: { reason: next?.skip ?? "no subscription on this event" } };
      const { customerId } = customerFrom(ctx);
      const event = ctx.payload as Stripe.Event;
      const { onlyPaymentIntent, ...values } = next;
      const applied = await applyEntitlement(ctx.db, customerId, values, new Date(event.created * 1000), event.id, {
        onlyPaymentIntent,
      });
      const notApplied = onlyPaymentIntent
        ? "a newer state was already applied, or that payment is not what granted the access"
        : "a newer state was already applied";
      return {
        externalRef: next.stripeSubscriptionId ?? next.stripePaymentIntentId ?? onlyPaymentIntent ?? null,
        output: { applied, ...next, ...(applied ? {} : { reason: notApplied }) },
      };
    },
  };
}

export function changeFromSubscription(sub: Obj, overrides: Partial<EntitlementChange> = {}): EntitlementChange {
  const s = subscriptionState(sub);
  return {
    status: s.status,
    plan: s.plan,
    currentPeriodEnd: s.currentPeriodEnd,
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    stripeSubscriptionId: s.subscriptionId,
    // The subscription grants this access now, not a one-time payment (whose refund must not end it).
    stripePaymentIntentId: null,
    ...overrides,
  };
}
