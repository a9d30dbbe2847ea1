// invoice.paid → entitlement active until the paid period's end; an open payment alert resolves.
import { notifyEntitlementStep } from "@/lib/pipeline/steps/notify-app";
import { customerFrom, resolveStripeIdentityStep } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import { resolvePaymentAlerts } from "@/db/queries/alerts";
import { entitlementStep } from "@/lib/pipeline/steps/update-entitlement";
import {
  customerIdOf,
  invoicePeriodEnd,
  invoicePlan,
  invoiceSubscriptionId,
  paymentNote,
} from "@/lib/integrations/stripe/shapes";
import type { Handler, StripePayload } from "@/lib/pipeline/engine/types";
import { STEP } from "@/lib/pipeline/engine/step-names";

type Obj = Record<string, unknown>;
const invoice = (p: StripePayload) => p.data.object as unknown as Obj;

export const invoicePaid: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${customerIdOf(invoice(p)) ?? p.id}`,
  steps: [
    resolveStripeIdentityStep(),
    entitlementStep(async (ctx) => {
      const inv = invoice(ctx.payload);
      const subscription = invoiceSubscriptionId(inv);
      if (!subscription) return null;
      return {
        status: "active",
        plan: invoicePlan(inv),
        currentPeriodEnd: invoicePeriodEnd(inv),
        stripeSubscriptionId: subscription,
        stripePaymentIntentId: null,
      };
    }),
    {
      name: STEP.resolveBillingAlert,
      run: async (ctx) => ({ output: { resolved: await resolvePaymentAlerts(ctx.db, customerFrom(ctx).customerId) } }),
    },
    syncCrmStep((ctx) => ({ app_last_payment_event: paymentNote("paid", ctx.payload) })),
    notifyEntitlementStep(),
  ],
};
