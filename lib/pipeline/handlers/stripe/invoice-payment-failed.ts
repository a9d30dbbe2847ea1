// invoice.payment_failed → entitlement past_due (never grants access), exactly one billing alert per
// Stripe event id, and the billing status in HubSpot.
import { customerFrom, resolveStripeIdentityStep } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import { raiseBillingAlert } from "@/db/queries/alerts";
import { entitlementStep } from "@/lib/pipeline/steps/update-entitlement";
import { customerIdOf, formatAmount, invoiceSubscriptionId, paymentNote } from "@/lib/integrations/stripe/shapes";
import type { Handler, StripePayload } from "@/lib/pipeline/engine/types";
import { STEP } from "@/lib/pipeline/engine/step-names";

type Obj = Record<string, unknown>;
const invoice = (p: StripePayload) => p.data.object as unknown as Obj;

export const invoicePaymentFailed: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${customerIdOf(invoice(p)) ?? p.id}`,
  steps: [
    resolveStripeIdentityStep(),
    entitlementStep(async (ctx) => {
      const subscription = invoiceSubscriptionId(invoice(ctx.payload));
      return subscription ? { status: "past_due", stripeSubscriptionId: subscription } : null;
    }),
    {
      name: STEP.raiseBillingAlert,
      run: async (ctx) => {
        const inv = invoice(ctx.payload);
        const customer = customerFrom(ctx);
        const attempts = Number(inv.attempt_count ?? 1);
        const id = await raiseBillingAlert(ctx.db, {
          dedupeKey: `payment_failed:${ctx.payload.id}`,
          // The app user id, never the email: alert texts are posted to ALERT_WEBHOOK_URL (the console links
          // the alert to the customer).
          title: `Payment failed for ${customer.appUserId}`,
          message: `Invoice ${String(inv.number ?? inv.id)} for ${formatAmount(inv.amount_due, inv.currency)} failed (attempt ${attempts}). Stripe will retry; access is paused until it is paid.`,
          customerId: customer.customerId,
          eventId: ctx.event.id,
          severity: attempts >= 3 ? "critical" : "warning",
          details: { invoice: inv.id, attempt: attempts, nextAttempt: inv.next_payment_attempt ?? null },
        });
        return { externalRef: id };
      },
    },
    syncCrmStep((ctx) => ({ app_last_payment_event: paymentNote("payment_failed", ctx.payload) })),
  ],
};
