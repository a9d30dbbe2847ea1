// Stripe look-alike: /v1 customers, subscriptions, invoices, checkout sessions (and their line items),
// prices, products, payment intents, charges, balance, account.
import { IdempotencyStore } from "./idempotency";
import { StateError, dumpIdempotency, record, records, restoreIdempotency } from "./persistence";
import type { SandboxRequest, SandboxResponse, Service } from "./http";
import {
  CUSTOMER_PARAMS,
  SEEDABLE,
  account,
  applyParams,
  balance,
  buildCheckoutSession,
  buildCustomer,
  buildInvoice,
  buildObject,
  buildSubscription,
  lineItemsOf,
} from "./stripe-objects";
import type { StripeObject } from "./stripe-objects";
import { header, isRecord, nowSeconds, parseForm, randomToken, stableStringify } from "./util";

export type StripeConfig = { apiKey: string; idempotencyTtlMs: number };
export const STRIPE_API_VERSION = "2026-10-28.endive";

type Params = Record<string, unknown>;
type Route = {
  method: string;
  pattern: RegExp;
  run: (params: Params, match: string[], req: SandboxRequest) => SandboxResponse;
};

export function stripeError(status: number, type: string, message: string, extra: Params = {}): SandboxResponse {
  return { status, body: { error: { type, message, ...extra } } };
}

function missing(kind: string, id: string): SandboxResponse {
  return stripeError(404, "invalid_request_error", `No such ${kind}: '${id}'`, {
    code: "resource_missing",
    doc_url: "https://stripe.com/docs/error-codes/resource-missing",
    param: "id",
  });
}

export function createStripeService(options: {
  apiKey: string;
  accountEmail?: string;
}): Service & { objects: Map<string, StripeObject> } {
  const initial: StripeConfig = { apiKey: options.apiKey, idempotencyTtlMs: 24 * 3600 * 1000 };
  let config: StripeConfig = { ...initial };
  const objects = new Map<string, StripeObject>();
  const idempotency = new IdempotencyStore(config.idempotencyTtlMs);
  const counters = { created: 0, updated: 0, replayed: 0 };

  const ofType = (object: string) => [...objects.values()].filter((o) => o.object === object && !o.deleted);
  const get = (object: string, id: string) => {
    const found = objects.get(id);
    return found && found.object === object ? found : undefined;
  };

  function expand(obj: StripeObject, params: Params): StripeObject {
    const paths = Array.isArray(params.expand) ? params.expand.map(String) : [];
    const out: StripeObject = { ...obj };
    for (const path of paths) {
      const value = out[path];
      if (typeof value === "string" && objects.has(value)) out[path] = objects.get(value);
    }
    return out;
  }

  function list(object: string, url: string, params: Params, filter: (o: StripeObject) => boolean): SandboxResponse {
    const limit = Math.min(Math.max(Number(params.limit ?? 10) || 10, 1), 100);
    let rows = ofType(object).filter(filter).reverse(); // newest first
    if (typeof params.starting_after === "string") {
      const at = rows.findIndex((o) => o.id === params.starting_after);
      rows = at >= 0 ? rows.slice(at + 1) : rows;
    }
    const data = rows.slice(0, limit).map((o) => expand(o, params));
    return { status: 200, body: { object: "list", data, has_more: rows.length > limit, url } };
  }

  function unknownParam(params: Params, allowed: string[]): SandboxResponse | undefined {
    const bad = Object.keys(params).find((k) => !allowed.includes(k));
    if (!bad) return undefined;
    return stripeError(400, "invalid_request_error", `Received unknown parameter: ${bad}`, { param: bad });
  }

  function save(obj: StripeObject, created: boolean): SandboxResponse {
    objects.set(obj.id, obj);
    if (created) counters.created += 1;
    else counters.updated += 1;
    return { status: 200, body: obj };
  }

  function searchCustomers(params: Params): SandboxResponse {
    const query = String(params.query ?? "");
    const clauses = query.split(/\s+AND\s+/i).filter(Boolean);
    const tests: ((c: StripeObject) => boolean)[] = [];
    for (const clause of clauses) {
      const m = /^(email|name|phone|metadata\['([^']+)'\]):'([^']*)'$/.exec(clause.trim());
      if (!m) return stripeError(400, "invalid_request_error", `Invalid search query: ${clause}`, { param: "query" });
      const [, field, metaKey, value] = m;
      tests.push((c) => (metaKey ? (c.metadata as Params)[metaKey] === value : c[field] === value));
    }
    const data = ofType("customer")
      .filter((c) => tests.every((t) => t(c)))
      .reverse();
    return {
      status: 200,
      body: { object: "search_result", data, has_more: false, next_page: null, url: "/v1/customers/search" },
    };
  }

  const ID = "([A-Za-z0-9_]+)";
  const routes: Route[] = [
    {
      method: "GET",
      pattern: /^\/v1\/account$/,
      run: () => ({ status: 200, body: account(options.accountEmail ?? "founder@sandbox.test") }),
    },
    { method: "GET", pattern: /^\/v1\/balance$/, run: () => ({ status: 200, body: balance() }) },
    {
      method: "POST",
      pattern: /^\/v1\/customers$/,
      run: (p) => unknownParam(p, CUSTOMER_PARAMS) ?? save(buildCustomer(p), true),
    },
    {
      method: "GET",
      pattern: /^\/v1\/customers$/,
      run: (p) => list("customer", "/v1/customers", p, (c) => p.email === undefined || c.email === p.email),
    },
    { method: "GET", pattern: /^\/v1\/customers\/search$/, run: (p) => searchCustomers(p) },
    {
      method: "GET",
      pattern: new RegExp(`^/v1/customers/${ID}$`),
      run: (p, [, id]) => {
        const found = get("customer", id);
        if (!found) return missing("customer", id);
        return { status: 200, body: found.deleted ? { id, object: "customer", deleted: true } : expand(found, p) };
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^/v1/customers/${ID}$`),
      run: (p, [, id]) => {
        const found = get("customer", id);
        if (!found || found.deleted) return missing("customer", id);
        return unknownParam(p, CUSTOMER_PARAMS) ?? save(applyParams(found, p), false);
      },
    },
    {
      method: "DELETE",
      pattern: new RegExp(`^/v1/customers/${ID}$`),
      run: (_p, [, id]) => {
        const found = get("customer", id);
        if (!found || found.deleted) return missing("customer", id);
        objects.set(id, { ...found, deleted: true });
        return { status: 200, body: { id, object: "customer", deleted: true } };
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/subscriptions$/,
      run: (p) =>
        list(
          "subscription",
          "/v1/subscriptions",
          p,
          (s) =>
            (p.customer === undefined || s.customer === p.customer) &&
            (p.status === "all" || (p.status === undefined ? s.status !== "canceled" : s.status === p.status)),
        ),
    },
    {
      method: "GET",
      pattern: new RegExp(`^/v1/subscriptions/${ID}$`),
      run: (p, [, id]) => {
        const found = get("subscription", id);
        return found ? { status: 200, body: expand(found, p) } : missing("subscription", id);
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^/v1/subscriptions/${ID}$`),
      run: (p, [, id]) => {
        const found = get("subscription", id);
        if (!found) return missing("subscription", id);
        const bad = unknownParam(p, [
          "metadata",
          "cancel_at_period_end",
          "description",
          "expand",
          "default_payment_method",
        ]);
        if (bad) return bad;
        const updated = applyParams(found, p);
        updated.cancel_at = updated.cancel_at_period_end ? currentPeriodEnd(updated) : null;
        return save(updated, false);
      },
    },
    {
      method: "DELETE",
      pattern: new RegExp(`^/v1/subscriptions/${ID}$`),
      run: (_p, [, id]) => {
        const found = get("subscription", id);
        if (!found) return missing("subscription", id);
        return save(
          buildSubscription({ status: "canceled", canceled_at: nowSeconds(), ended_at: nowSeconds() }, found),
          false,
        );
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/invoices$/,
      run: (p) => list("invoice", "/v1/invoices", p, (i) => p.customer === undefined || i.customer === p.customer),
    },
    {
      method: "GET",
      pattern: new RegExp(`^/v1/invoices/${ID}$`),
      run: (p, [, id]) => {
        const found = get("invoice", id);
        return found ? { status: 200, body: expand(found, p) } : missing("invoice", id);
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^/v1/checkout/sessions/${ID}$`),
      run: (p, [, id]) => {
        const found = get("checkout.session", id);
        return found ? { status: 200, body: expand(found, p) } : missing("checkout.session", id);
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^/v1/checkout/sessions/${ID}/line_items$`),
      run: (p, [, id]) => {
        const found = get("checkout.session", id);
        if (!found) return missing("checkout.session", id);
        const paths = Array.isArray(p.expand) ? p.expand.map(String) : [];
        const data = lineItemsOf(found, (ref) => objects.get(ref), paths.includes("data.price.product"));
        const url = `/v1/checkout/sessions/${id}/line_items`;
        return { status: 200, body: { object: "list", data, has_more: false, url } };
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/prices$/,
      run: (p) => {
        const keys = Array.isArray(p.lookup_keys) ? p.lookup_keys.map(String) : [];
        const res = list("price", "/v1/prices", p, (o) => !keys.length || keys.includes(String(o.lookup_key)));
        const paths = Array.isArray(p.expand) ? p.expand.map(String) : [];
        if (!paths.includes("data.product")) return res;
        const body = res.body as { data: StripeObject[] };
        body.data = body.data.map((o) => withProduct(o));
        return res;
      },
    },
    ...(["price", "product", "payment_intent", "charge"] as const).map((kind) => ({
      method: "GET",
      pattern: new RegExp(`^/v1/${kind === "price" ? "prices" : `${kind}s`}/${ID}$`),
      run: (p: Params, [, id]: string[]) => {
        const found = get(kind, id);
        return found ? { status: 200, body: expand(found, p) } : missing(kind, id);
      },
    })),
  ];

  /** A price with its product expanded. */
  function withProduct(price: StripeObject): StripeObject {
    const product = typeof price.product === "string" ? objects.get(price.product) : undefined;
    return product ? { ...price, product } : price;
  }

  function route(req: SandboxRequest): SandboxResponse {
    const params: Params = req.method === "POST" && isRecord(req.body) ? req.body : parseForm(req.query.toString());
    for (const r of routes) {
      const match = r.method === req.method ? r.pattern.exec(req.path) : null;
      if (match) return r.run(params, [...match], req);
    }
    return stripeError(
      404,
      "invalid_request_error",
      `Unrecognized request URL (${req.method}: ${req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    );
  }

  function seedOne(input: unknown): StripeObject {
    if (!isRecord(input) || !SEEDABLE.includes(input.object as (typeof SEEDABLE)[number])) {
      throw new Error(`each object needs "object": one of ${SEEDABLE.join(", ")}`);
    }
    const id = typeof input.id === "string" && input.id ? input.id : undefined;
    const existing = id ? objects.get(id) : undefined;
    const obj: StripeObject =
      input.object === "customer"
        ? ({ ...(existing ?? buildCustomer({}, id)), ...input } as StripeObject)
        : input.object === "subscription"
          ? buildSubscription(input, existing)
          : input.object === "invoice"
            ? buildInvoice(input, existing)
            : input.object === "checkout.session"
              ? buildCheckoutSession(input, existing)
              : buildObject(input as Params & { object: string }, existing);
    if (obj.object === "subscription" && typeof obj.customer !== "string")
      throw new Error("a subscription needs a customer id");
    objects.set(obj.id, obj);
    return obj;
  }

  return {
    name: "stripe",
    objects,
    authenticate(req) {
      const auth = header(req.headers, "authorization") ?? "";
      const [scheme, credential = ""] = auth.split(" ");
      const key = /^basic$/i.test(scheme) ? Buffer.from(credential, "base64").toString().split(":")[0] : credential;
      if (!key) {
        return stripeError(
          401,
          "invalid_request_error",
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
        );
      }
      if (key === config.apiKey) return undefined;
      const masked = `${key.slice(0, key.indexOf("_", 3) + 1)}${"*".repeat(Math.max(key.length - 12, 4))}${key.slice(-4)}`;
      return stripeError(401, "invalid_request_error", `Invalid API Key provided: ${masked}`);
    },
    handle(req) {
      const key = header(req.headers, "idempotency-key");
      if (req.method !== "POST" || !key) return route(req);
      const fingerprint = `${req.path} ${stableStringify(req.body ?? {})}`;
      const found = idempotency.lookup(key, fingerprint);
      if (found.kind === "mismatch") {
        return stripeError(
          400,
          "idempotency_error",
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      if (found.kind === "hit") {
        counters.replayed += 1;
        return {
          ...found.response,
          headers: { ...found.response.headers, "idempotent-replayed": "true" },
          replayed: true,
        };
      }
      const response = route(req);
      // Stripe saves a result once the endpoint ran; validation failures (4xx) are not saved.
      if (response.status < 400 || response.status >= 500) {
        const requestId = `req_${randomToken(14)}`;
        idempotency.store(key, fingerprint, {
          ...response,
          headers: { ...response.headers, "original-request": requestId },
        });
      }
      return response;
    },
    faultResponse(status) {
      if (status === 401) return stripeError(401, "invalid_request_error", "Invalid API Key provided: sk_test_****");
      if (status === 402)
        return stripeError(402, "card_error", "Your card was declined.", {
          code: "card_declined",
          decline_code: "generic_decline",
        });
      if (status === 404)
        return stripeError(404, "invalid_request_error", "No such object (sandbox fault)", {
          code: "resource_missing",
        });
      if (status === 409)
        return stripeError(
          409,
          "idempotency_error",
          "There is currently another in-progress request using this Stripe API key (and idempotency key if you provided one). Please try again later.",
        );
      if (status === 429) {
        return stripeError(
          429,
          "invalid_request_error",
          "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.",
          { code: "rate_limit" },
        );
      }
      if (status >= 500)
        return stripeError(status, "api_error", "Something went wrong on Stripe's end. (sandbox fault)");
      return stripeError(status, "invalid_request_error", `Sandbox injected status ${status}`);
    },
    commonHeaders(req) {
      return {
        "request-id": `req_${randomToken(14)}`,
        "stripe-version": header(req.headers, "stripe-version") ?? STRIPE_API_VERSION,
      };
    },
    reset() {
      objects.clear();
      idempotency.clear();
      config = { ...initial };
      idempotency.ttlMs = config.idempotencyTtlMs;
      Object.assign(counters, { created: 0, updated: 0, replayed: 0 });
    },
    snapshot() {
      const byType = (t: string) => [...objects.values()].filter((o) => o.object === t);
      return {
        config: { ...config, apiKey: `…${config.apiKey.slice(-4)}` },
        counters: { ...counters, idempotencyKeys: idempotency.size() },
        customers: byType("customer"),
        subscriptions: byType("subscription"),
        invoices: byType("invoice"),
        checkoutSessions: byType("checkout.session"),
      };
    },
    // Every object kind in one store, so a dump covers new kinds too; ids are random, so no counters to continue.
    dump: () => ({
      objects: [...objects.values()],
      counters: { ...counters },
      idempotency: dumpIdempotency(idempotency),
    }),
    restore(state) {
      const s = record(state, "stripe state");
      const saved = records<StripeObject>(s.objects, "stripe objects");
      if (!saved.every((o) => typeof o.id === "string" && typeof o.object === "string"))
        throw new StateError("a stripe object has no id or type");
      const savedCounters = record(s.counters ?? {}, "stripe counters");
      restoreIdempotency(idempotency, s.idempotency);
      objects.clear();
      for (const o of saved) objects.set(o.id, o);
      for (const key of Object.keys(counters) as (keyof typeof counters)[])
        counters[key] = typeof savedCounters[key] === "number" ? savedCounters[key] : 0;
    },
    configure(patch) {
      if (typeof patch.apiKey === "string") config.apiKey = patch.apiKey;
      if (typeof patch.idempotencyTtlMs === "number")
        config.idempotencyTtlMs = idempotency.ttlMs = patch.idempotencyTtlMs;
      return { ...config, apiKey: `…${config.apiKey.slice(-4)}` };
    },
    seed(input) {
      try {
        const list = Array.isArray(input) ? input : [input];
        return { status: 201, body: { objects: list.map(seedOne) } };
      } catch (error) {
        return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
      }
    },
  };
}

function currentPeriodEnd(sub: StripeObject): number | null {
  const items = sub.items as { data?: { current_period_end?: number }[] } | undefined;
  return items?.data?.[0]?.current_period_end ?? null;
}
