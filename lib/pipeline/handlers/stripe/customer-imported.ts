// import.stripe_customer (our own event, made by the adoption import for each Stripe customer that existed
// before the console was installed) → the customer (by metadata.app_user_id, an email match, or a payer not in
// the app yet), the entitlement from the customer's current subscription, and the HubSpot contact: the same
// steps as any Stripe event, so it is retried, replayable and on the customer's timeline.
import { notifyEntitlementStep } from "@/lib/pipeline/steps/notify-app";
import type Stripe from "stripe";
import { classifyStripeError } from "@/lib/integrations/stripe/errors";
import { resolveStripeIdentityStep } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import { changeFromSubscription, entitlementStep } from "@/lib/pipeline/steps/update-entitlement";
import type { Handler, StripePayload } from "@/lib/pipeline/engine/types";

type Obj = Record<string, unknown>;
export const IMPORTED_CUSTOMER_TYPE = "import.stripe_customer";
const customer = (p: StripePayload) => p.data.object as unknown as Obj;

/** The subscription that says what the customer has now: a live one first, else the newest. */
const RANK: Record<string, number> = { active: 0, trialing: 0, past_due: 1, unpaid: 2, incomplete: 3, paused: 3 };
export function currentSubscription(subs: Stripe.Subscription[]): Stripe.Subscription | undefined {
  return [...subs].sort((a, b) => (RANK[a.status] ?? 9) - (RANK[b.status] ?? 9) || b.created - a.created)[0];
}

export const stripeCustomerImported: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${String(customer(p).id)}`,
  steps: [
    // The customer object carries its email as `email`; handed on as the email hint of any Stripe object.
    resolveStripeIdentityStep((p) => ({ ...customer(p), customer_email: customer(p).email })),
    entitlementStep(async (ctx) => {
      const id = String(customer(ctx.payload).id);
      const subs = await ctx.services.stripe.subscriptions
        .list({ customer: id, status: "all", limit: 100 })
        .catch((err) => {
          throw classifyStripeError(err);
        });
      const current = currentSubscription(subs.data);
      return current ? changeFromSubscription(current as unknown as Obj) : null;
    }),
    syncCrmStep(),
    notifyEntitlementStep(),
  ],
};
