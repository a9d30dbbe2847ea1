// Reads the fields we need from Stripe objects across API versions: the installed SDK pins
// 2026-10-28 (invoice.parent.subscription_details, period dates on subscription items), while an
// account's webhook endpoint may be pinned to an older version (invoice.subscription, sub.current_period_end).
type Obj = Record<string, unknown>;

const asObj = (v: unknown): Obj | undefined => (v && typeof v === "object" ? (v as Obj) : undefined);
const idOf = (v: unknown): string | undefined => (typeof v === "string" ? v : (asObj(v)?.id as string | undefined));

export function customerIdOf(object: Obj): string | undefined {
  if (object.object === "customer") return object.id as string;
  return idOf(object.customer);
}

export function invoiceSubscriptionId(invoice: Obj): string | undefined {
  const parent = asObj(invoice.parent);
  const details = asObj(parent?.subscription_details);
  return idOf(details?.subscription) ?? idOf(invoice.subscription);
}

/** Period end of an invoice: the subscription line's period, else the invoice's own. */
export function invoicePeriodEnd(invoice: Obj): Date | null {
  const lines = (asObj(invoice.lines)?.data as Obj[] | undefined) ?? [];
  const ends = lines.map((l) => asObj(l.period)?.end).filter((e): e is number => typeof e === "number");
  const end = ends.length ? Math.max(...ends) : (invoice.period_end as number | undefined);
  return typeof end === "number" ? new Date(end * 1000) : null;
}

export function invoicePlan(invoice: Obj): string | null {
  const lines = (asObj(invoice.lines)?.data as Obj[] | undefined) ?? [];
  for (const line of lines) {
    const pricing = asObj(line.pricing);
    const price = asObj(line.price) ?? asObj(asObj(pricing?.price_details)?.price) ?? asObj(pricing?.price_details);
    const name = planFromPrice(price);
    if (name) return name;
  }
  return null;
}

export function planFromPrice(price: Obj | undefined): string | null {
  if (!price) return null;
  return (
    (price.lookup_key as string) ||
    (price.nickname as string) ||
    (asObj(price.product)?.name as string) ||
    (price.id as string) ||
    (typeof price.price === "string" ? price.price : null)
  );
}

export type SubscriptionState = {
  subscriptionId: string;
  status: "none" | "incomplete" | "trialing" | "active" | "past_due" | "canceled";
  plan: string | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
};

const STATUS: Record<string, SubscriptionState["status"]> = {
  trialing: "trialing",
  active: "active",
  past_due: "past_due",
  unpaid: "past_due",
  paused: "past_due",
  canceled: "canceled",
  // The first payment never succeeded: nothing was ever paid, so no access and not past_due.
  incomplete: "incomplete",
  incomplete_expired: "none",
};

export function subscriptionState(sub: Obj): SubscriptionState {
  const items = (asObj(sub.items)?.data as Obj[] | undefined) ?? [];
  const itemEnds = items.map((i) => i.current_period_end).filter((e): e is number => typeof e === "number");
  const end = itemEnds.length ? Math.max(...itemEnds) : (sub.current_period_end as number | undefined);
  const plan =
    items.map((i) => planFromPrice(asObj(i.price))).find(Boolean) ??
    planFromPrice(asObj(sub.plan)) ??
    ((asObj(sub.metadata)?.plan as string) || null);
  return {
    subscriptionId: sub.id as string,
    status: STATUS[sub.status as string] ?? "none",
    plan,
    currentPeriodEnd: typeof end === "number" ? new Date(end * 1000) : null,
    cancelAtPeriodEnd: Boolean(sub.cancel_at_period_end) || typeof sub.cancel_at === "number",
  };
}

/**
 * What a one-time payment grants: the price's `lookup_key`, else its product's `metadata.plan` (the product
 * expanded; a product id alone says nothing).
 */
export function purchasedPlan(price: Obj | undefined): string | null {
  if (!price) return null;
  const key = typeof price.lookup_key === "string" && price.lookup_key.trim() ? price.lookup_key.trim() : null;
  const plan = asObj(asObj(price.product)?.metadata)?.plan;
  return key ?? (typeof plan === "string" && plan.trim() ? plan.trim() : null);
}

/** Whether a charge was refunded in full (a partial refund keeps what the payment granted). */
export function isFullyRefunded(charge: Obj): boolean {
  const amount = typeof charge.amount === "number" ? charge.amount : undefined;
  const refunded = typeof charge.amount_refunded === "number" ? charge.amount_refunded : 0;
  return amount !== undefined ? refunded >= amount : charge.refunded === true;
}

export function paymentIntentIdOf(object: Obj): string | undefined {
  if (object.object === "payment_intent") return object.id as string;
  return idOf(object.payment_intent);
}

/** A short note for the CRM, e.g. "payment_failed 2026-11-23". */
export function paymentNote(kind: string, event: { created: number }): string {
  return `${kind} ${new Date(event.created * 1000).toISOString().slice(0, 10)}`;
}

export function formatAmount(amount: unknown, currency: unknown): string {
  if (typeof amount !== "number") return "";
  return `${(amount / 100).toFixed(2)} ${String(currency ?? "").toUpperCase()}`.trim();
}
