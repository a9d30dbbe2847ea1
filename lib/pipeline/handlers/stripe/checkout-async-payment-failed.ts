// checkout.session.async_payment_failed → a delayed payment (bank debit, transfer) of a Checkout session
// failed: no access, one billing alert per session, and the payment note in HubSpot.
import { customerFrom, resolveStripeIdentityStep } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import { raiseBillingAlert } from "@/db/queries/alerts";
import { customerIdOf, formatAmount, paymentNote } from "@/lib/integrations/stripe/shapes";
import type { Handler, StripePayload } from "@/lib/pipeline/engine/types";
import { STEP } from "@/lib/pipeline/engine/step-names";
import { payerLabel } from "./invoice-payment-failed";

type Obj = Record<string, unknown>;
const session = (p: StripePayload) => p.data.object as unknown as Obj;

export const checkoutAsyncPaymentFailed: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${customerIdOf(session(p)) ?? p.id}`,
  steps: [
    resolveStripeIdentityStep(),
    {
      name: STEP.raiseBillingAlert,
      run: async (ctx) => {
        const s = session(ctx.payload);
        const customer = customerFrom(ctx);
        const id = await raiseBillingAlert(ctx.db, {
          dedupeKey: `payment_failed:${String(s.id)}`,
          title: `Payment failed for ${payerLabel(customer)}`,
          message: `The delayed payment (bank debit or transfer) of ${formatAmount(s.amount_total, s.currency)} for checkout ${String(s.id)} failed: no access was granted. The customer has to pay again.`,
          customerId: customer.customerId,
          eventId: ctx.event.id,
          details: { checkoutSession: s.id, mode: s.mode ?? null },
        });
        return { externalRef: id };
      },
    },
    syncCrmStep((ctx) => ({ app_last_payment_event: paymentNote("payment_failed", ctx.payload) })),
  ],
};
