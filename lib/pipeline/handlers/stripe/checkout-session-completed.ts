// checkout.session.completed → the Stripe customer linked to the app user, the entitlement from the
// subscription as Stripe has it now, and HubSpot lifecycle customer + plan + billing status.
import { resolveStripeIdentityStep } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import { changeFromSubscription, entitlementStep, fetchSubscription } from "@/lib/pipeline/steps/update-entitlement";
import { customerIdOf } from "@/lib/integrations/stripe/shapes";
import type { Handler, StripePayload } from "@/lib/pipeline/engine/types";

type Obj = Record<string, unknown>;
const session = (p: StripePayload) => p.data.object as unknown as Obj;

export const checkoutSessionCompleted: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${customerIdOf(session(p)) ?? p.id}`,
  steps: [
    resolveStripeIdentityStep(),
    entitlementStep(async (ctx) => {
      const s = session(ctx.payload);
      const subscription = typeof s.subscription === "string" ? s.subscription : (s.subscription as Obj | null)?.id;
      if (subscription) return changeFromSubscription(await fetchSubscription(ctx, subscription as string));
      if (s.mode === "payment" && s.payment_status === "paid") {
        return { status: "active", plan: ((s.metadata as Obj | undefined)?.plan as string) ?? "lifetime" };
      }
      return null;
    }),
    syncCrmStep(),
  ],
};
