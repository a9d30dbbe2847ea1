// A person's Stripe data for an erasure or a data-access export, through the real SDK. Every call is safe to
// repeat: an erasure step is retried and replayed like any other. Stripe ignores idempotency keys on GET and
// DELETE (those are idempotent by definition: a canceled subscription is skipped, a deleted customer is
// "absent"), so only the POSTs carry keys, derived from the customer id and what the call does.
import type Stripe from "stripe";
import { classifyStripeError } from "./errors";

export type StripeErasureMode = "now" | "period_end";

export type StripeErasureResult = {
  /** Subscriptions canceled by this call (at once). */
  canceledSubscriptions: string[];
  /** Subscriptions that end at their period's end (set now or already set). */
  scheduledSubscriptions: string[];
  /** deleted: the customer is gone; anonymised: kept (to bill the last period) with no personal data; absent: already deleted or never there. */
  customer: "deleted" | "anonymised" | "absent";
};

/** Statuses with nothing left to cancel. */
const ENDED = new Set(["canceled", "incomplete_expired"]);

/**
 * now: cancels every live subscription, then deletes the customer. period_end: each live subscription ends at
 * its period's end (one never paid, `incomplete`, has no period to finish and is canceled at once) and the
 * customer stays, with name, email, phone, description, addresses and metadata cleared, so Stripe can still
 * bill the last period. A deleted or missing customer is "absent" (a retry after the delete answered).
 */
export async function eraseStripeCustomer(
  stripe: Stripe,
  customerId: string,
  mode: StripeErasureMode,
): Promise<StripeErasureResult> {
  const result: StripeErasureResult = { canceledSubscriptions: [], scheduledSubscriptions: [], customer: "absent" };
  try {
    if (!(await liveCustomer(stripe, customerId))) return result;
    for (const sub of await allSubscriptions(stripe, customerId)) {
      if (ENDED.has(sub.status)) continue;
      if (mode === "now" || sub.status === "incomplete") {
        await stripe.subscriptions.cancel(sub.id);
        result.canceledSubscriptions.push(sub.id);
      } else {
        if (!sub.cancel_at_period_end)
          await stripe.subscriptions.update(
            sub.id,
            { cancel_at_period_end: true },
            { idempotencyKey: `erase-${customerId}-${sub.id}-period-end` },
          );
        result.scheduledSubscriptions.push(sub.id);
      }
    }
  } catch (err) {
    throw classifyStripeError(err);
  }
  try {
    if (mode === "now") await stripe.customers.del(customerId);
    else await stripe.customers.update(customerId, ANONYMOUS, { idempotencyKey: `erase-${customerId}-anonymise` });
    result.customer = mode === "now" ? "deleted" : "anonymised";
    return result;
  } catch (err) {
    // Deleted meanwhile (an earlier attempt's delete that answered too late): nothing of theirs is left.
    if (isMissing(err)) return result;
    throw classifyStripeError(err);
  }
}

/** Every personal field of a customer, emptied ("" unsets a field in Stripe; for metadata, every key). */
const ANONYMOUS: Stripe.CustomerUpdateParams = {
  name: "",
  email: "",
  phone: "",
  description: "",
  address: "",
  shipping: "",
  metadata: "",
  business_name: "",
  individual_name: "",
};

/** What Stripe holds about the customer (for a data-access export): the customer, all subscriptions and invoices; deleted or missing: null. */
export async function exportStripeCustomer(
  stripe: Stripe,
  customerId: string,
): Promise<{ customer: unknown; subscriptions: unknown[]; invoices: unknown[] } | null> {
  try {
    const customer = await liveCustomer(stripe, customerId);
    if (!customer) return null;
    const subscriptions = await allSubscriptions(stripe, customerId);
    const invoices = await stripe.invoices
      .list({ customer: customerId, limit: 100 })
      .autoPagingToArray({ limit: 10_000 });
    return { customer, subscriptions, invoices };
  } catch (err) {
    throw classifyStripeError(err);
  }
}

/** The customer, or undefined when Stripe has it deleted or never had it. */
async function liveCustomer(stripe: Stripe, customerId: string): Promise<Stripe.Customer | undefined> {
  try {
    const customer = await stripe.customers.retrieve(customerId);
    return customer.deleted ? undefined : (customer as Stripe.Customer);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

function allSubscriptions(stripe: Stripe, customerId: string): Promise<Stripe.Subscription[]> {
  return stripe.subscriptions
    .list({ customer: customerId, status: "all", limit: 100 })
    .autoPagingToArray({ limit: 10_000 });
}

function isMissing(err: unknown): boolean {
  return (err as { statusCode?: number })?.statusCode === 404;
}
