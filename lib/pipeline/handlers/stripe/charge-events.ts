// charge.refunded → on the customer's timeline and in HubSpot; charge.dispute.created → also a billing alert.
import { classifyStripeError } from "@/lib/integrations/stripe/errors";
import { resolveStripeCustomer } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import { raiseBillingAlert } from "@/db/queries/alerts";
import { customerIdOf, formatAmount, paymentNote } from "@/lib/integrations/stripe/shapes";
import type { Handler, Step, StepContext, StripePayload } from "@/lib/pipeline/engine/types";
import { STEP } from "@/lib/pipeline/engine/step-names";

type Obj = Record<string, unknown>;
const object = (p: StripePayload) => p.data.object as unknown as Obj;

/** A dispute names its charge; the charge names the customer. */
async function chargeOf(ctx: StepContext<StripePayload>): Promise<Obj> {
  const o = object(ctx.payload);
  if (o.object === "charge") return o;
  if (o.charge && typeof o.charge === "object") return o.charge as Obj;
  try {
    return (await ctx.services.stripe.charges.retrieve(String(o.charge))) as unknown as Obj;
  } catch (err) {
    throw classifyStripeError(err);
  }
}

const resolveChargeIdentity: Step<StripePayload> = {
  name: STEP.resolveIdentity,
  run: async (ctx) => {
    const customer = await resolveStripeCustomer(ctx, await chargeOf(ctx));
    await ctx.setCustomer(customer.customerId);
    return { externalRef: customer.appUserId, output: customer };
  },
};

export const chargeRefunded: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${customerIdOf(object(p)) ?? p.id}`,
  steps: [
    resolveChargeIdentity,
    syncCrmStep((ctx) => ({
      app_last_payment_event: `${paymentNote("refunded", ctx.payload)} ${formatAmount(object(ctx.payload).amount_refunded, object(ctx.payload).currency)}`,
    })),
  ],
};

export const chargeDisputeCreated: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${customerIdOf(object(p)) ?? p.id}`,
  steps: [
    {
      // Raised first: a dispute needs attention even if the customer cannot be identified.
      name: STEP.raiseBillingAlert,
      run: async (ctx) => {
        const d = object(ctx.payload);
        const id = await raiseBillingAlert(ctx.db, {
          dedupeKey: `dispute:${String(d.id)}`,
          title: `Dispute opened: ${formatAmount(d.amount, d.currency)} (${String(d.reason ?? "unknown reason")})`,
          message: `Respond in Stripe before the evidence deadline. Charge ${typeof d.charge === "string" ? d.charge : String((d.charge as Obj | undefined)?.id)}.`,
          eventId: ctx.event.id,
          severity: "critical",
          details: { dispute: d.id, reason: d.reason ?? null },
        });
        return { externalRef: id };
      },
    },
    resolveChargeIdentity,
    syncCrmStep((ctx) => ({
      app_last_payment_event: `${paymentNote("dispute", ctx.payload)} ${formatAmount(object(ctx.payload).amount, object(ctx.payload).currency)}`,
    })),
  ],
};
