// Refunds and disputes. charge.refunded: a full refund of the one-time payment that granted access removes
// it (status canceled: access was granted, then taken back); a partial refund keeps it, and a refund of a
// subscription payment never ends the subscription (Stripe's subscription events do). charge.dispute.created:
// a critical billing alert and the dispute flag on the customer's entitlement. charge.dispute.closed: won
// (or an inquiry closed) clears the flag and resolves the alert; lost removes the access that payment
// granted and keeps the flag and the alert. Each also notes the payment event in HubSpot.
import { notifyEntitlementStep } from "@/lib/pipeline/steps/notify-app";
import { classifyStripeError } from "@/lib/integrations/stripe/errors";
import { customerFrom, resolveStripeCustomer, type ResolvedCustomer } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import { entitlementStep, skip } from "@/lib/pipeline/steps/update-entitlement";
import { attachAlertCustomer, billingAlertByKey, closeDisputeAlert, raiseBillingAlert } from "@/db/queries/alerts";
import { customerByPaymentIntent, entitlementOf, setDisputed } from "@/db/queries/entitlements";
import {
  customerIdOf,
  formatAmount,
  isFullyRefunded,
  paymentIntentIdOf,
  paymentNote,
} from "@/lib/integrations/stripe/shapes";
import type { Handler, Step, StepContext, StripePayload } from "@/lib/pipeline/engine/types";
import { STEP } from "@/lib/pipeline/engine/step-names";

type Obj = Record<string, unknown>;
const object = (p: StripePayload) => p.data.object as unknown as Obj;
const eventTime = (ctx: StepContext<StripePayload>) => new Date(ctx.payload.created * 1000);
const chargeIdOf = (d: Obj) => (typeof d.charge === "string" ? d.charge : String((d.charge as Obj | undefined)?.id));

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

/** The customer whose access the payment granted (found without Stripe, guests included), else by the charge. */
const resolveChargeIdentity: Step<StripePayload> = {
  name: STEP.resolveIdentity,
  run: async (ctx) => {
    const pi = paymentIntentIdOf(object(ctx.payload));
    const granted = pi ? await customerByPaymentIntent(ctx.db, pi) : undefined;
    const customer: ResolvedCustomer = granted
      ? { customerId: granted.id, appUserId: granted.appUserId, email: granted.email, name: granted.name }
      : await resolveStripeCustomer(ctx, await chargeOf(ctx));
    await ctx.setCustomer(customer.customerId);
    return { externalRef: customer.appUserId, output: customer };
  },
};

/** Removes the access the payment granted (nothing when it granted none: a subscription payment). */
const revokePaymentAccess = (why: string) =>
  entitlementStep(async (ctx) => {
    const pi = paymentIntentIdOf(object(ctx.payload));
    if (!pi) return skip(`${why}, but names no PaymentIntent: no access to remove`);
    const current = await entitlementOf(ctx.db, customerFrom(ctx).customerId);
    if (current && current.stripePaymentIntentId !== pi)
      return skip(
        `${why}: payment ${pi} did not grant the current access (a subscription payment is ended by Stripe's subscription events)`,
      );
    return { status: "canceled", onlyPaymentIntent: pi };
  });

export const chargeRefunded: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${customerIdOf(object(p)) ?? p.id}`,
  steps: [
    resolveChargeIdentity,
    {
      name: STEP.updateEntitlement,
      run: async (ctx) => {
        const c = object(ctx.payload);
        if (!isFullyRefunded(c))
          return {
            skipped: true,
            output: {
              reason: `partial refund (${formatAmount(c.amount_refunded, c.currency)} of ${formatAmount(c.amount, c.currency)}): access kept`,
            },
          };
        return revokePaymentAccess("refunded in full").run(ctx);
      },
    },
    syncCrmStep((ctx) => ({
      app_last_payment_event: `${paymentNote("refunded", ctx.payload)} ${formatAmount(object(ctx.payload).amount_refunded, object(ctx.payload).currency)}`,
    })),
    notifyEntitlementStep(),
  ],
};

const disputeKey = (d: Obj) => `dispute:${String(d.id)}`;

export const chargeDisputeCreated: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${customerIdOf(object(p)) ?? p.id}`,
  steps: [
    {
      // Raised first: a dispute needs attention even if the customer cannot be identified.
      name: STEP.raiseBillingAlert,
      run: async (ctx) => {
        const d = object(ctx.payload);
        const id = await raiseBillingAlert(ctx.db, {
          dedupeKey: disputeKey(d),
          title: `Dispute opened: ${formatAmount(d.amount, d.currency)} (${String(d.reason ?? "unknown reason")})`,
          message: `Respond in Stripe before the evidence deadline. Charge ${chargeIdOf(d)}.`,
          eventId: ctx.event.id,
          severity: "critical",
          details: { dispute: d.id, reason: d.reason ?? null },
        });
        return { externalRef: id };
      },
    },
    resolveChargeIdentity,
    {
      name: STEP.updateEntitlement,
      run: async (ctx) => {
        const d = object(ctx.payload);
        // A dispute closed before this (late) event arrived is not flagged again.
        if ((await billingAlertByKey(ctx.db, disputeKey(d)))?.status === "resolved")
          return { skipped: true, output: { reason: "the dispute is already closed" } };
        const { customerId } = customerFrom(ctx);
        await attachAlertCustomer(ctx.db, disputeKey(d), customerId);
        const flagged = await setDisputed(ctx.db, customerId, eventTime(ctx), eventTime(ctx));
        return { externalRef: String(d.id), output: { disputed: flagged } };
      },
    },
    syncCrmStep((ctx) => ({
      app_last_payment_event: `${paymentNote("dispute", ctx.payload)} ${formatAmount(object(ctx.payload).amount, object(ctx.payload).currency)}`,
    })),
  ],
};

const lost = (ctx: StepContext<StripePayload>) => object(ctx.payload).status === "lost";

export const chargeDisputeClosed: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${customerIdOf(object(p)) ?? p.id}`,
  steps: [
    resolveChargeIdentity,
    {
      name: STEP.updateEntitlement,
      run: async (ctx) => {
        const d = object(ctx.payload);
        const { customerId } = customerFrom(ctx);
        if (!lost(ctx)) {
          await setDisputed(ctx.db, customerId, null, eventTime(ctx));
          return { externalRef: String(d.id), output: { disputed: false, status: d.status ?? null } };
        }
        // Lost: the flag stays (coalesce keeps the opening time) and the payment's access goes.
        await setDisputed(ctx.db, customerId, eventTime(ctx), eventTime(ctx));
        return revokePaymentAccess("the dispute was lost").run(ctx);
      },
    },
    {
      name: STEP.raiseBillingAlert,
      run: async (ctx) => {
        const d = object(ctx.payload);
        const customer = customerFrom(ctx);
        const amount = `${formatAmount(d.amount, d.currency)} (${String(d.reason ?? "unknown reason")})`;
        const id = await closeDisputeAlert(ctx.db, {
          dedupeKey: disputeKey(d),
          title: lost(ctx) ? `Dispute lost: ${amount}` : `Dispute closed (${String(d.status)}): ${amount}`,
          message: lost(ctx)
            ? `The bank sided with the cardholder of ${customer.appUserId}: the amount and the dispute fee are gone. Access bought with this payment was removed (a subscription continues until Stripe ends it). Charge ${chargeIdOf(d)}.`
            : `Closed in your favour. Charge ${chargeIdOf(d)}.`,
          customerId: customer.customerId,
          eventId: ctx.event.id,
          severity: "critical",
          details: { dispute: d.id, reason: d.reason ?? null, status: d.status ?? null },
          won: !lost(ctx),
        });
        return { externalRef: id };
      },
    },
    syncCrmStep((ctx) => ({
      app_last_payment_event: `${paymentNote(lost(ctx) ? "dispute_lost" : "dispute_won", ctx.payload)} ${formatAmount(object(ctx.payload).amount, object(ctx.payload).currency)}`,
    })),
    notifyEntitlementStep(),
  ],
};
