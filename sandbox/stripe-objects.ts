// Stripe object shapes (API version 2026-10-28): customers, subscriptions, invoices, checkout sessions, the
// objects of one-time payments (prices, products, payment intents, charges), and events (GET /v1/events).
import { isRecord, nowSeconds, randomToken } from "./util";

export type StripeObject = Record<string, unknown> & { id: string; object: string };

export const SEEDABLE = [
  "customer",
  "subscription",
  "invoice",
  "checkout.session",
  "price",
  "product",
  "payment_intent",
  "charge",
  "event",
] as const;

const PREFIX: Record<string, string> = {
  customer: "cus",
  subscription: "sub",
  subscription_item: "si",
  invoice: "in",
  "checkout.session": "cs_test",
  price: "price",
  product: "prod",
  payment_intent: "pi",
  charge: "ch",
  event: "evt",
};

export function newId(object: string): string {
  return `${PREFIX[object] ?? "obj"}_${randomToken(object === "checkout.session" ? 40 : 14)}`;
}

type Params = Record<string, unknown>;

export const CUSTOMER_PARAMS = [
  "address",
  "balance",
  "business_name",
  "cash_balance",
  "description",
  "email",
  "expand",
  "individual_name",
  "invoice_prefix",
  "invoice_settings",
  "metadata",
  "name",
  "next_invoice_sequence",
  "payment_method",
  "phone",
  "preferred_locales",
  "shipping",
  "source",
  "tax",
  "tax_exempt",
  "tax_id_data",
  "test_clock",
  "default_source",
];

export function buildCustomer(params: Params, id = newId("customer")): StripeObject {
  const customer: StripeObject = {
    id,
    object: "customer",
    address: null,
    balance: 0,
    business_name: null,
    created: nowSeconds(),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    individual_name: null,
    invoice_prefix: randomToken(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
  return applyParams(customer, params);
}

/** Applies create/update params: metadata is merged and "" removes a key, as Stripe does. */
export function applyParams(target: StripeObject, params: Params): StripeObject {
  const out: StripeObject = { ...target };
  for (const [key, value] of Object.entries(params)) {
    if (key === "expand" || key === "id" || key === "object") continue;
    if (key === "metadata") {
      out.metadata = mergeMetadata(out.metadata, value);
      continue;
    }
    out[key] = value === "" ? null : coerce(value);
  }
  return out;
}

function mergeMetadata(current: unknown, patch: unknown): Record<string, string> {
  if (patch === "" || patch === null) return {};
  const merged: Record<string, string> = { ...(isRecord(current) ? (current as Record<string, string>) : {}) };
  if (!isRecord(patch)) return merged;
  for (const [k, v] of Object.entries(patch)) {
    if (v === "" || v === null) delete merged[k];
    else merged[k] = String(v);
  }
  return merged;
}

/** Form values arrive as strings; numbers and booleans are restored where they obviously are such. */
function coerce(value: unknown): unknown {
  if (value === "true") return true;
  if (value === "false") return false;
  if (typeof value === "string" && /^-?\d+$/.test(value) && value.length < 16) return Number(value);
  return value;
}

const DAY = 86_400;

function buildPrice(input: unknown): StripeObject {
  const base: StripeObject = {
    id: "price_sandbox_pro_monthly",
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created: nowSeconds(),
    currency: "usd",
    livemode: false,
    lookup_key: "pro_monthly",
    metadata: {},
    nickname: "Pro",
    product: "prod_sandbox_pro",
    recurring: { interval: "month", interval_count: 1, meter: null, usage_type: "licensed" },
    tax_behavior: "unspecified",
    type: "recurring",
    unit_amount: 2900,
    unit_amount_decimal: "2900",
  };
  if (typeof input === "string") return { ...base, id: input, lookup_key: null, nickname: null };
  return isRecord(input) ? ({ ...base, ...input } as StripeObject) : base;
}

/**
 * A subscription from a partial one. Conveniences: `price` (id or partial price), `quantity`,
 * `current_period_start`/`current_period_end` (since API 2025-03-31 these live on the items).
 */
export function buildSubscription(input: Params, existing?: StripeObject): StripeObject {
  const now = nowSeconds();
  const id = String(input.id ?? existing?.id ?? newId("subscription"));
  const { price, quantity, current_period_start, current_period_end, items, ...rest } = input;
  const base: StripeObject = existing ?? {
    id,
    object: "subscription",
    application: null,
    billing_cycle_anchor: now,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: "charge_automatically",
    created: now,
    currency: "usd",
    customer: null,
    days_until_due: null,
    default_payment_method: null,
    description: null,
    discounts: [],
    ended_at: null,
    items: undefined,
    latest_invoice: null,
    livemode: false,
    metadata: {},
    pause_collection: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: "active",
    test_clock: null,
    trial_end: null,
    trial_start: null,
  };
  const sub: StripeObject = { ...base, ...rest, id, object: "subscription" };
  const touchesItems =
    price !== undefined ||
    quantity !== undefined ||
    current_period_start !== undefined ||
    current_period_end !== undefined ||
    items !== undefined ||
    !existing;
  if (touchesItems) {
    const previous = firstItem(existing);
    const itemInputs = Array.isArray(items) ? items : [{}];
    const data = itemInputs.map((raw) => {
      const item = isRecord(raw) ? raw : {};
      const start = Number(item.current_period_start ?? current_period_start ?? previous?.current_period_start ?? now);
      return {
        id: item.id ?? previous?.id ?? newId("subscription_item"),
        object: "subscription_item",
        created: previous?.created ?? now,
        current_period_start: start,
        current_period_end: Number(
          item.current_period_end ?? current_period_end ?? previous?.current_period_end ?? start + 30 * DAY,
        ),
        discounts: [],
        metadata: {},
        price: buildPrice(item.price ?? price ?? previous?.price),
        quantity: Number(item.quantity ?? quantity ?? previous?.quantity ?? 1),
        subscription: id,
        tax_rates: [],
      };
    });
    sub.items = {
      object: "list",
      data,
      has_more: false,
      total_count: data.length,
      url: `/v1/subscription_items?subscription=${id}`,
    };
  }
  if (sub.status === "canceled" && !sub.ended_at) sub.ended_at = now;
  if (sub.status === "canceled" && !sub.canceled_at) sub.canceled_at = now;
  return sub;
}

function firstItem(sub?: StripeObject): Record<string, unknown> | undefined {
  const items = sub?.items;
  if (!isRecord(items) || !Array.isArray(items.data)) return undefined;
  return items.data[0] as Record<string, unknown>;
}

export function buildInvoice(input: Params, existing?: StripeObject): StripeObject {
  const now = nowSeconds();
  const id = String(input.id ?? existing?.id ?? newId("invoice"));
  const amount = Number(input.amount_due ?? existing?.amount_due ?? 2900);
  const { subscription, ...rest } = input;
  const base: StripeObject = existing ?? {
    id,
    object: "invoice",
    account_country: "US",
    amount_due: amount,
    amount_paid: 0,
    amount_remaining: amount,
    attempt_count: 1,
    attempted: true,
    billing_reason: "subscription_cycle",
    collection_method: "charge_automatically",
    created: now,
    currency: "usd",
    customer: null,
    customer_email: null,
    hosted_invoice_url: `https://invoice.stripe.com/i/sandbox/${id}`,
    lines: { object: "list", data: [], has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: `SBX-${randomToken(4).toUpperCase()}-0001`,
    parent: null,
    period_end: now,
    period_start: now - 30 * DAY,
    status: "open",
    subtotal: amount,
    total: amount,
  };
  const invoice: StripeObject = { ...base, ...rest, id, object: "invoice" };
  if (typeof subscription === "string") {
    invoice.parent = {
      type: "subscription_details",
      quote_details: null,
      subscription_details: { metadata: {}, subscription },
    };
  }
  return invoice;
}

export function buildCheckoutSession(input: Params, existing?: StripeObject): StripeObject {
  const now = nowSeconds();
  const id = String(input.id ?? existing?.id ?? newId("checkout.session"));
  const base: StripeObject = existing ?? {
    id,
    object: "checkout.session",
    amount_subtotal: 2900,
    amount_total: 2900,
    client_reference_id: null,
    created: now,
    currency: "usd",
    customer: null,
    customer_details: null,
    customer_email: null,
    expires_at: now + DAY,
    invoice: null,
    livemode: false,
    metadata: {},
    mode: "subscription",
    payment_status: "paid",
    status: "complete",
    subscription: null,
    success_url: "http://localhost:3000/billing/success",
    url: null,
  };
  return { ...base, ...input, id, object: "checkout.session" };
}

/** The defaults of the one-time payment objects; a seed overrides any field. */
const DEFAULTS: Record<string, () => Params> = {
  price: () => ({
    active: true,
    currency: "usd",
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: null,
    recurring: null,
    type: "one_time",
    unit_amount: 4900,
  }),
  product: () => ({ active: true, description: null, metadata: {}, name: "Sandbox product" }),
  payment_intent: () => ({
    amount: 4900,
    amount_received: 4900,
    currency: "usd",
    customer: null,
    latest_charge: null,
    metadata: {},
    receipt_email: null,
    status: "succeeded",
  }),
  charge: () => ({
    amount: 4900,
    amount_captured: 4900,
    amount_refunded: 0,
    billing_details: { email: null, name: null },
    currency: "usd",
    customer: null,
    disputed: false,
    metadata: {},
    paid: true,
    payment_intent: null,
    receipt_email: null,
    refunded: false,
    status: "succeeded",
  }),
};

/** A price, product, payment intent or charge from a partial one. */
export function buildObject(input: Params & { object: string }, existing?: StripeObject): StripeObject {
  const id = String(input.id ?? existing?.id ?? newId(input.object));
  const base: StripeObject = existing ?? {
    id,
    object: input.object,
    created: nowSeconds(),
    livemode: false,
    ...DEFAULTS[input.object]?.(),
  };
  return { ...base, ...input, id, object: input.object };
}

/**
 * An event as GET /v1/events lists it (the same envelope a webhook carries). Seed `type` and `data.object`
 * (or `data: { object }`); `created` defaults to now, so tests that test time windows set it.
 */
export function buildEvent(input: Params, existing?: StripeObject): StripeObject {
  const type = input.type ?? existing?.type;
  if (typeof type !== "string" || !type) throw new Error('an event needs a "type", e.g. "invoice.paid"');
  const data = input.data ?? existing?.data ?? { object: {} };
  if (!isRecord(data) || !isRecord(data.object)) throw new Error("an event needs data: { object: { ... } }");
  const id = String(input.id ?? existing?.id ?? newId("event"));
  const base: StripeObject = existing ?? {
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    created: nowSeconds(),
    data,
    livemode: false,
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    type,
  };
  const created = Number(input.created ?? base.created);
  if (!Number.isInteger(created) || created <= 0) throw new Error("an event's created must be unix seconds");
  return { ...base, ...input, id, object: "event", type, data, created };
}

/**
 * A checkout session's line items (`line_items` seeded as `[{ price, quantity }]`), each price looked up by
 * id; `expand` of `data.price.product` expands the product as Stripe does.
 */
export function lineItemsOf(
  session: StripeObject,
  lookup: (id: string) => StripeObject | undefined,
  expandProduct: boolean,
): StripeObject[] {
  const items = Array.isArray(session.line_items) ? session.line_items : [];
  return items.map((raw, i) => {
    const item = isRecord(raw) ? raw : {};
    const found = typeof item.price === "string" ? lookup(item.price) : isRecord(item.price) ? item.price : undefined;
    const price = found ? { ...found } : buildObject({ object: "price", id: String(item.price ?? "price_unknown") });
    if (expandProduct && typeof price.product === "string") price.product = lookup(price.product) ?? price.product;
    const quantity = Number(item.quantity ?? 1);
    const amount = Number(price.unit_amount ?? 0) * quantity;
    return {
      id: `li_${session.id.slice(-10)}${i}`,
      object: "item",
      amount_subtotal: amount,
      amount_total: amount,
      currency: price.currency ?? "usd",
      description: null,
      price,
      quantity,
    } as StripeObject;
  });
}

export function account(email: string): StripeObject {
  return {
    id: "acct_sandbox",
    object: "account",
    business_profile: { name: "Sandbox Co", support_email: email, url: null },
    charges_enabled: true,
    country: "US",
    created: 1_700_000_000,
    default_currency: "usd",
    details_submitted: true,
    email,
    payouts_enabled: true,
    settings: { dashboard: { display_name: "Sandbox Co", timezone: "Etc/UTC" } },
    type: "standard",
  };
}

export function balance(): Record<string, unknown> {
  const zero = [{ amount: 0, currency: "usd", source_types: { card: 0 } }];
  return { object: "balance", available: zero, livemode: false, pending: zero };
}
