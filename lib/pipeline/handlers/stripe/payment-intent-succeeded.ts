// payment_intent.succeeded → a one-time purchase from the app (the mobile PaymentSheet): the PaymentIntent
// names our app user in `metadata.app_user_id` and what it buys in `metadata.price` (a price id or lookup
// key) or `metadata.plan`. It grants that plan, remembering the PaymentIntent (a full refund or a lost
// dispute of it removes the access). Any other PaymentIntent (an invoice's, a Checkout session's without
// those fields) grants nothing here and is skipped.
import { notifyEntitlementStep } from "@/lib/pipeline/steps/notify-app";
import { isAppPurchase, planOfPaymentIntent } from "@/lib/billing/purchases";
import { resolveStripeIdentityStep } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import { entitlementStep } from "@/lib/pipeline/steps/update-entitlement";
import { customerIdOf } from "@/lib/integrations/stripe/shapes";
import type { Handler, StepContext, StripePayload } from "@/lib/pipeline/engine/types";
import { onlyWhen } from "./guards";

type Obj = Record<string, unknown>;
const intent = (p: StripePayload) => p.data.object as unknown as Obj;
const purchase = (ctx: StepContext<StripePayload>) => isAppPurchase(intent(ctx.payload));
const NOT_OURS = "not an app purchase: the PaymentIntent has no metadata.price or metadata.plan";

export const paymentIntentSucceeded: Handler<StripePayload> = {
  customerKey: (p) => {
    const pi = intent(p);
    const appUserId = (pi.metadata as Obj | undefined)?.app_user_id;
    const cus = customerIdOf(pi);
    return cus ? `stripe:${cus}` : typeof appUserId === "string" && appUserId ? `app:${appUserId}` : p.id;
  },
  steps: [
    onlyWhen(purchase, NOT_OURS, resolveStripeIdentityStep()),
    onlyWhen(
      purchase,
      NOT_OURS,
      entitlementStep(async (ctx) => {
        const pi = intent(ctx.payload);
        return {
          status: "active",
          plan: await planOfPaymentIntent(ctx.services.stripe, pi),
          currentPeriodEnd: null,
          cancelAtPeriodEnd: false,
          stripePaymentIntentId: String(pi.id),
        };
      }),
    ),
    onlyWhen(purchase, NOT_OURS, syncCrmStep()),
    notifyEntitlementStep(),
  ],
};
