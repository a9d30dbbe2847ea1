// customer.subscription.created / .updated / .deleted → plan, status, period end, cancel-at-period-end.
import { resolveStripeIdentityStep } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import { changeFromSubscription, entitlementStep } from "@/lib/pipeline/steps/update-entitlement";
import { customerIdOf } from "@/lib/integrations/stripe/shapes";
import type { Handler, StripePayload } from "@/lib/pipeline/engine/types";

type Obj = Record<string, unknown>;
const subscription = (p: StripePayload) => p.data.object as unknown as Obj;

export const subscriptionChanged: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${customerIdOf(subscription(p)) ?? p.id}`,
  steps: [
    resolveStripeIdentityStep(),
    entitlementStep(async (ctx) =>
      changeFromSubscription(
        subscription(ctx.payload),
        ctx.payload.type === "customer.subscription.deleted" ? { status: "canceled", cancelAtPeriodEnd: false } : {},
      ),
    ),
    syncCrmStep(),
  ],
};
