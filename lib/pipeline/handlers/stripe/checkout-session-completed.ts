// checkout.session.completed and checkout.session.async_payment_succeeded → the Stripe customer linked to the
// app user, the entitlement (a subscription as Stripe has it now, or the plan a one-time payment's price
// maps to, with its PaymentIntent), and HubSpot. A session still unpaid (a delayed payment method: bank
// debit, transfer) grants nothing until Stripe sends async_payment_succeeded; once paid, an alert of an
// earlier failed Checkout payment of the customer resolves.
import { notifyEntitlementStep } from "@/lib/pipeline/steps/notify-app";
import { planOfCheckout } from "@/lib/billing/purchases";
import { resolvePaymentAlerts } from "@/db/queries/alerts";
import { customerFrom, resolveStripeIdentityStep } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import {
  changeFromSubscription,
  entitlementStep,
  fetchSubscription,
  skip,
} from "@/lib/pipeline/steps/update-entitlement";
import { customerIdOf, paymentIntentIdOf } from "@/lib/integrations/stripe/shapes";
import type { Handler, StripePayload } from "@/lib/pipeline/engine/types";
import { STEP } from "@/lib/pipeline/engine/step-names";
import { onlyWhen } from "./guards";

type Obj = Record<string, unknown>;
const session = (p: StripePayload) => p.data.object as unknown as Obj;

export const checkoutSessionCompleted: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${customerIdOf(session(p)) ?? p.id}`,
  steps: [
    resolveStripeIdentityStep(),
    entitlementStep(async (ctx) => {
      const s = session(ctx.payload);
      if (s.payment_status === "unpaid")
        return skip(
          "the payment is still pending (a delayed payment method): access is granted on checkout.session.async_payment_succeeded",
        );
      const subscription = typeof s.subscription === "string" ? s.subscription : (s.subscription as Obj | null)?.id;
      if (subscription) return changeFromSubscription(await fetchSubscription(ctx, subscription as string));
      if (s.mode !== "payment") return null;
      return {
        status: "active",
        plan: await planOfCheckout(ctx.services.stripe, s),
        currentPeriodEnd: null,
        cancelAtPeriodEnd: false,
        stripePaymentIntentId: paymentIntentIdOf(s) ?? null,
      };
    }),
    onlyWhen((ctx) => ctx.outputs[STEP.updateEntitlement] != null, "nothing was granted", {
      // A Checkout payment that failed before (a bank debit) and is now paid another way.
      name: STEP.resolveBillingAlert,
      run: async (ctx) => ({
        output: { resolved: await resolvePaymentAlerts(ctx.db, customerFrom(ctx).customerId, "payment_failed:cs_") },
      }),
    }),
    syncCrmStep(),
    notifyEntitlementStep(),
  ],
};
