// Stripe look-alike: /v1 customers, subscriptions, invoices, checkout sessions (and their line items),
// prices, products, payment intents, charges, events, balance, account. Lists behave as Stripe's list API:
// newest first, `created` ranges, `limit`, `starting_after`/`ending_before` cursors and `has_more`.
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
  buildEvent,
  buildInvoice,
  buildObject,
  buildSubscription,
  lineItemsOf,
} from "./stripe-objects";
import type { StripeObject } from "./stripe-objects";
import { PORTAL_PAGE, recoveryRoutes } from "./stripe-recovery";
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

  /** Where each object was made (the Map keeps insertion order): the tie-break of equal `created`. */
  function insertionOrder(): Map<string, number> {
    const order = new Map<string, number>();
    let i = 0;
    for (const id of objects.keys()) order.set(id, i++);
    return order;
  }

  /**
   * Stripe's list API: newest first (by `created`, later-made first on a tie), `created` as a number or a
   * range (`gt`, `gte`, `lt`, `lte`), `limit` 1-100 (default 10), and one cursor: `starting_after` (the
   * page after that object, i.e. older) or `ending_before` (the page just before it, i.e. newer).
   */
  function list(object: string, url: string, params: Params, filter: (o: StripeObject) => boolean): SandboxResponse {
    const limit = Math.min(Math.max(Number(params.limit ?? 10) || 10, 1), 100);
    const inRange = createdFilter(params.created);
    if (typeof inRange !== "function") return inRange;
    if (params.starting_after !== undefined && params.ending_before !== undefined)
      return stripeError(
        400,
        "invalid_request_error",
        "You may only specify one of these parameters: ending_before, starting_after.",
      );
    const order = insertionOrder();
    const key = (o: StripeObject) => [Number(o.created ?? 0), order.get(o.id) ?? 0] as const;
    const newerFirst = (a: StripeObject, b: StripeObject) => {
      const [ca, ia] = key(a);
      const [cb, ib] = key(b);
      return cb - ca || ib - ia;
    };
    let rows = ofType(object)
      .filter((o) => inRange(Number(o.created ?? 0)) && filter(o))
      .sort(newerFirst);
    const cursorParam =
      params.starting_after !== undefined
        ? "starting_after"
        : params.ending_before !== undefined
          ? "ending_before"
          : undefined;
    if (cursorParam) {
      const cursorId = String(params[cursorParam]);
      const cursor = get(object, cursorId);
      if (!cursor)
        return stripeError(400, "invalid_request_error", `No such ${object}: '${cursorId}'`, {
          code: "resource_missing",
          param: cursorParam,
        });
      if (cursorParam === "ending_before") {
        const newer = rows.filter((o) => newerFirst(o, cursor) < 0);
        const data = newer.slice(Math.max(newer.length - limit, 0)).map((o) => expand(o, params));
        return { status: 200, body: { object: "list", data, has_more: newer.length > limit, url } };
      }
      rows = rows.filter((o) => newerFirst(o, cursor) > 0);
    }
    const data = rows.slice(0, limit).map((o) => expand(o, params));
    return { status: 200, body: { object: "list", data, has_more: rows.length > limit, url } };
  }

  /** GET /v1/events: `type` (an event name, or a group with `*`, e.g. `invoice.*`) or `types` (up to 20). */
  function listEvents(params: Params): SandboxResponse {
    if (params.type !== undefined && params.types !== undefined)
      return stripeError(400, "invalid_request_error", "You may only specify one of these parameters: type, types.");
    const types =
      params.types === undefined ? undefined : Array.isArray(params.types) ? params.types.map(String) : null;
    if (types === null || (types && (types.length === 0 || types.length > 20)))
      return stripeError(
        400,
        "invalid_request_error",
        "Invalid array: types must be an array of 1 to 20 event types.",
        {
          param: "types",
        },
      );
    const pattern = typeof params.type === "string" ? params.type : undefined;
    const matchesType = (type: string) => {
      if (types) return types.includes(type);
      if (pattern === undefined || pattern === "*") return true;
      return pattern.endsWith(".*") ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
    };
    const delivered = params.delivery_success === undefined ? undefined : String(params.delivery_success) === "true";
    return list(
      "event",
      "/v1/events",
      params,
      (e) =>
        matchesType(String(e.type)) &&
        (delivered === undefined || (Number(e.pending_webhooks ?? 0) === 0) === delivered),
    );
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
        // As Stripe does: deleting a customer cancels their subscriptions at once (no event is sent here).
        for (const sub of ofType("subscription"))
          if (sub.customer === id && !["canceled", "incomplete_expired"].includes(String(sub.status)))
            save(
              buildSubscription({ status: "canceled", canceled_at: nowSeconds(), ended_at: nowSeconds() }, sub),
              false,
            );
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
    { method: "GET", pattern: /^\/v1\/events$/, run: (p) => listEvents(p) },
    {
      method: "GET",
      pattern: new RegExp(`^/v1/events/${ID}$`),
      run: (p, [, id]) => {
        const found = get("event", id);
        return found ? { status: 200, body: expand(found, p) } : missing("event", id);
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
    ...recoveryRoutes({ get, save, list }),
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
              : input.object === "event"
                ? buildEvent(input, existing)
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
      if (req.method === "GET" && PORTAL_PAGE.test(req.path)) return undefined; // a browser, not the API
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
        events: byType("event"),
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

const RANGE_KEYS = ["gt", "gte", "lt", "lte"] as const;

/** `created=<unix>` or `created[gt|gte|lt|lte]=<unix>` as a test; a 400 for anything else. */
function createdFilter(raw: unknown): ((created: number) => boolean) | SandboxResponse {
  if (raw === undefined) return () => true;
  const invalid = (param: string, value: unknown) =>
    stripeError(400, "invalid_request_error", `Invalid integer: ${String(value)}`, { param });
  const asInt = (v: unknown) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : Number.NaN);
  if (!isRecord(raw)) {
    const exact = asInt(raw);
    return Number.isNaN(exact) ? invalid("created", raw) : (created) => created === exact;
  }
  const unknown = Object.keys(raw).find((k) => !(RANGE_KEYS as readonly string[]).includes(k));
  if (unknown)
    return stripeError(400, "invalid_request_error", `Received unknown parameter: created[${unknown}]`, {
      param: `created[${unknown}]`,
    });
  const bounds: Partial<Record<(typeof RANGE_KEYS)[number], number>> = {};
  for (const k of RANGE_KEYS) {
    if (raw[k] === undefined) continue;
    const n = asInt(raw[k]);
    if (Number.isNaN(n)) return invalid(`created[${k}]`, raw[k]);
    bounds[k] = n;
  }
  return (c) =>
    (bounds.gt === undefined || c > bounds.gt) &&
    (bounds.gte === undefined || c >= bounds.gte) &&
    (bounds.lt === undefined || c < bounds.lt) &&
    (bounds.lte === undefined || c <= bounds.lte);
}

function currentPeriodEnd(sub: StripeObject): number | null {
  const items = sub.items as { data?: { current_period_end?: number }[] } | undefined;
  return items?.data?.[0]?.current_period_end ?? null;
}
