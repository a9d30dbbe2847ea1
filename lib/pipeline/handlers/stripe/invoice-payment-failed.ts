// invoice.payment_failed → the entitlement (past_due for a renewal; incomplete when the first payment of a
// new subscription failed: nothing was ever paid), one billing alert per invoice however many retries (its
// text follows the latest attempt and the next retry; critical once the final attempt failed), and the
// billing status in HubSpot.
import { notifyEntitlementStep } from "@/lib/pipeline/steps/notify-app";
import { customerFrom, type ResolvedCustomer, resolveStripeIdentityStep } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import { raiseOrUpdateDunningAlert } from "@/db/queries/alerts";
import { pastDueSentence } from "@/lib/billing/access";
import { entitlementStep } from "@/lib/pipeline/steps/update-entitlement";
import { customerIdOf, formatAmount, invoiceSubscriptionId, paymentNote } from "@/lib/integrations/stripe/shapes";
import type { Handler, StripePayload } from "@/lib/pipeline/engine/types";
import { STEP } from "@/lib/pipeline/engine/step-names";

type Obj = Record<string, unknown>;
const invoice = (p: StripePayload) => p.data.object as unknown as Obj;

/**
 * Who a billing alert is about, the way the founder knows them: "Katherine Lee (usr_katherine)", else the email
 * with the id, else the app user id alone. An email is masked by the notifier before the alert is posted to
 * ALERT_WEBHOOK_URL ("k***@example.com"); the id stays so the person can be found in the console.
 */
export function payerLabel(customer: Pick<ResolvedCustomer, "appUserId" | "email" | "name">): string {
  const who = customer.name?.trim() || customer.email?.trim();
  return who && who !== customer.appUserId ? `${who} (${customer.appUserId})` : customer.appUserId;
}

/** The first invoice of a new subscription: its failure means the subscription never started. */
const isFirstPayment = (inv: Obj) => inv.billing_reason === "subscription_create";

export const invoicePaymentFailed: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${customerIdOf(invoice(p)) ?? p.id}`,
  steps: [
    resolveStripeIdentityStep(),
    entitlementStep(async (ctx) => {
      const inv = invoice(ctx.payload);
      const subscription = invoiceSubscriptionId(inv);
      if (!subscription) return null;
      return { status: isFirstPayment(inv) ? "incomplete" : "past_due", stripeSubscriptionId: subscription };
    }),
    {
      name: STEP.raiseBillingAlert,
      run: async (ctx) => {
        const inv = invoice(ctx.payload);
        const customer = customerFrom(ctx);
        const attempt = Math.max(1, Number(inv.attempt_count ?? 1) || 1);
        const next = typeof inv.next_payment_attempt === "number" ? new Date(inv.next_payment_attempt * 1000) : null;
        const first = isFirstPayment(inv);
        // Stripe sends next_payment_attempt: null once it will not retry again.
        const final = !first && inv.next_payment_attempt === null;
        const what = `Invoice ${String(inv.number ?? inv.id)} for ${formatAmount(inv.amount_due, inv.currency)}`;
        const retry = next ? ` Stripe retries on ${next.toISOString().slice(0, 16).replace("T", " ")} UTC.` : "";
        const { id, outcome } = await raiseOrUpdateDunningAlert(ctx.db, {
          dedupeKey: `payment_failed:${String(inv.id)}`,
          title: `${first ? "First payment" : "Payment"} failed for ${payerLabel(customer)}`,
          message: first
            ? `${what}, the first payment of a new subscription, failed: no access was granted. The customer has to complete the payment (Stripe expires the subscription after 23 hours otherwise).`
            : `${what} failed (attempt ${attempt}).${retry} ${final ? "That was the final attempt: the subscription now follows your Stripe settings (canceled, unpaid or left past due)." : pastDueSentence()}`,
          customerId: customer.customerId,
          eventId: ctx.event.id,
          severity: final ? "critical" : "warning",
          attempt,
          details: {
            invoice: inv.id,
            firstPayment: first,
            nextAttempt: next?.toISOString() ?? null,
            final,
            // What the app shows the customer: how much, and where to pay it (Stripe's hosted invoice page).
            amountDue: typeof inv.amount_due === "number" ? inv.amount_due : null,
            currency: typeof inv.currency === "string" ? inv.currency : null,
            hostedInvoiceUrl: typeof inv.hosted_invoice_url === "string" ? inv.hosted_invoice_url : null,
          },
        });
        return { externalRef: id, output: { outcome, attempt } };
      },
    },
    syncCrmStep((ctx) => ({ app_last_payment_event: paymentNote("payment_failed", ctx.payload) })),
    notifyEntitlementStep(),
  ],
};
