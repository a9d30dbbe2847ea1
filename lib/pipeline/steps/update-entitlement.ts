// `update-entitlement` steps: from a subscription object (fetched from Stripe when we only have its id).
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

/** Applies `change` (or skips when it returns null) at the event's time: older events never win. */
export function entitlementStep(
  change: (ctx: StepContext<StripePayload>) => Promise<EntitlementChange | null>,
): Step<StripePayload> {
  return {
    name: STEP.updateEntitlement,
    run: async (ctx) => {
      const next = await change(ctx);
      if (!next) return { skipped: true, output: { reason: "no subscription on this event" } };
      const { customerId } = customerFrom(ctx);
      const event = ctx.payload as Stripe.Event;
      const applied = await applyEntitlement(ctx.db, customerId, next, new Date(event.created * 1000), event.id);
      return {
        externalRef: next.stripeSubscriptionId ?? null,
        output: { applied, ...next, ...(applied ? {} : { reason: "a newer state was already applied" }) },
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
    ...overrides,
  };
}
