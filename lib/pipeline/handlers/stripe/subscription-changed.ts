// customer.subscription.created / .updated / .deleted / .trial_will_end → plan, status, period end,
// cancel-at-period-end; HubSpot gets the trial's end date when there is a trial.
import { notifyEntitlementStep } from "@/lib/pipeline/steps/notify-app";
import { resolveStripeIdentityStep } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import { changeFromSubscription, entitlementStep } from "@/lib/pipeline/steps/update-entitlement";
import { customerIdOf } from "@/lib/integrations/stripe/shapes";
import type { Handler, StripePayload } from "@/lib/pipeline/engine/types";

type Obj = Record<string, unknown>;

/** A HubSpot date property: midnight UTC of the day, in milliseconds. */
const hubspotDate = (seconds: number) => {
  const d = new Date(seconds * 1000);
  return String(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
};
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
    syncCrmStep((ctx) => {
      const end = subscription(ctx.payload).trial_end;
      return typeof end === "number" ? { app_trial_ends_at: hubspotDate(end) } : {};
    }),
    notifyEntitlementStep(),
  ],
};
