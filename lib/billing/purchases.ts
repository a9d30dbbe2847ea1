// What a one-time payment grants. The price → plan mapping: the price's `lookup_key`, else its product's
// `metadata.plan`. A Checkout session (mode payment) is read through its line items; a PaymentIntent (the
// mobile PaymentSheet) names its price in `metadata.price` (a price id or a lookup key) or its plan in
// `metadata.plan`. A payment whose price maps to no plan fails with what to set in Stripe.
import type Stripe from "stripe";
import { PermanentError } from "@/lib/integrations/errors";
import { classifyStripeError } from "@/lib/integrations/stripe/errors";
import { purchasedPlan } from "@/lib/integrations/stripe/shapes";

type Obj = Record<string, unknown>;

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
const unmapped = (what: string, price: string) =>
  new PermanentError(
    "stripe",
    `${what} grants no plan: give price ${price} a lookup_key, or its product metadata.plan, then replay.`,
  );

/** The plan a paid Checkout session (mode payment) grants. */
export async function planOfCheckout(stripe: Stripe, session: Obj): Promise<string> {
  const items = await stripe.checkout.sessions
    .listLineItems(String(session.id), { expand: ["data.price.product"], limit: 100 })
    .catch((err) => {
      throw classifyStripeError(err);
    });
  for (const item of items.data) {
    const plan = purchasedPlan(item.price as unknown as Obj | undefined);
    if (plan) return plan;
  }
  const fallback = str((session.metadata as Obj | undefined)?.plan);
  if (fallback) return fallback;
  const price = items.data[0]?.price?.id ?? "(none)";
  throw unmapped(`Checkout session ${String(session.id)}`, price);
}

/** Whether a PaymentIntent is an app purchase: it names a price or a plan. */
export function isAppPurchase(pi: Obj): boolean {
  const metadata = (pi.metadata ?? {}) as Obj;
  return Boolean(str(metadata.price) ?? str(metadata.plan));
}

/** The plan a PaymentIntent grants: `metadata.price` (id or lookup key) mapped, else `metadata.plan`. */
export async function planOfPaymentIntent(stripe: Stripe, pi: Obj): Promise<string | null> {
  const metadata = (pi.metadata ?? {}) as Obj;
  const ref = str(metadata.price);
  if (!ref) return str(metadata.plan) ?? null;
  let price: Obj | undefined;
  try {
    if (ref.startsWith("price_")) {
      price = (await stripe.prices.retrieve(ref, { expand: ["product"] })) as unknown as Obj;
    } else {
      const found = await stripe.prices.list({ lookup_keys: [ref], expand: ["data.product"], limit: 1 });
      price = found.data[0] as unknown as Obj | undefined;
    }
  } catch (err) {
    throw classifyStripeError(err);
  }
  if (!price)
    throw new PermanentError(
      "stripe",
      `PaymentIntent ${String(pi.id)} names price "${ref}" in metadata.price, but Stripe has no price with that id or lookup key.`,
    );
  const plan = purchasedPlan(price) ?? str(metadata.plan);
  if (!plan) throw unmapped(`PaymentIntent ${String(pi.id)}`, String(price.id));
  return plan;
}
