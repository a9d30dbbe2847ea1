// HubSpot CRM v3 look-alike: contacts (create, read, update, archive, GDPR delete, batch upsert and read, search)
// and contact properties.
import { ContactStore } from "./hubspot-contacts";
import { gdprDeleteRoute } from "./hubspot-gdpr";
import { HubspotError, newProperty, toProperty } from "./hubspot-properties";
import type { SandboxRequest, SandboxResponse, Service } from "./http";
import {
  type HubspotConfig,
  type RateLimitConfig,
  hubspotError,
  parseRateLimitConfig,
  rateLimited,
} from "./hubspot-limits";
import { header, isRecord, isoNow, uuid } from "./util";

export { type HubspotConfig, type RateLimitConfig, hubspotError, parseRateLimitConfig, rateLimited };

type Route = { method: string; pattern: RegExp; run: (match: string[], req: SandboxRequest) => SandboxResponse };

const CATEGORY: Record<number, string> = {
  400: "VALIDATION_ERROR",
  401: "INVALID_AUTHENTICATION",
  403: "MISSING_SCOPES",
  404: "OBJECT_NOT_FOUND",
  409: "CONFLICT",
  429: "RATE_LIMITS",
};

const notFound = () => hubspotError(404, "OBJECT_NOT_FOUND", "resource not found");

export function createHubspotService(options: {
  accessToken: string;
  searchLagMs?: number;
  rateLimit?: RateLimitConfig | null;
}): Service & { store: ContactStore } {
  const initial: HubspotConfig = {
    accessToken: options.accessToken,
    searchLagMs: options.searchLagMs ?? 0,
    rateLimit: options.rateLimit ?? null,
  };
  let config: HubspotConfig = { ...initial };
  const store = new ContactStore(config.searchLagMs);
  /** Arrival times of the API calls in the current rolling window (only when a rateLimit is set). */
  let callTimes: number[] = [];
  const counters = { calls: 0, rateLimited: 0 };
  const inWindow = (now: number) => {
    const limit = config.rateLimit;
    if (!limit) return 0;
    let drop = 0;
    while (drop < callTimes.length && callTimes[drop]! <= now - limit.windowMs) drop++;
    if (drop) callTimes = callTimes.slice(drop);
    return callTimes.length;
  };

  const requested = (req: SandboxRequest) =>
    req.query
      .getAll("properties")
      .flatMap((p) => p.split(","))
      .map((p) => p.trim())
      .filter(Boolean);
  const idProperty = (req: SandboxRequest) => req.query.get("idProperty") ?? undefined;
  const bodyOf = (req: SandboxRequest) => (isRecord(req.body) ? req.body : {});

  const CONTACTS = "/crm/v3/objects/contacts";
  const PROPS = "/crm/v3/properties/contacts";
  const routes: Route[] = [
    gdprDeleteRoute(store),
    {
      method: "POST",
      pattern: /^\/crm\/v3\/objects\/contacts$/,
      run: (_m, req) => ({ status: 201, body: store.written(store.create(bodyOf(req).properties ?? {})) }),
    },
    {
      method: "GET",
      pattern: /^\/crm\/v3\/objects\/contacts$/,
      run: (_m, req) => {
        const all = [...store.contacts.values()];
        const limit = Math.min(Number(req.query.get("limit") ?? 10) || 10, 100);
        const offset = Number(req.query.get("after") ?? 0) || 0;
        const results = all.slice(offset, offset + limit).map((c) => store.view(c, requested(req)));
        const paging = offset + limit < all.length ? { next: { after: String(offset + limit) } } : undefined;
        return { status: 200, body: { results, paging } };
      },
    },
    {
      method: "POST",
      pattern: /^\/crm\/v3\/objects\/contacts\/batch\/upsert$/,
      run: (_m, req) => {
        const startedAt = isoNow();
        const results = store
          .upsert(bodyOf(req).inputs)
          .map(({ contact, isNew }) => ({ ...store.written(contact), new: isNew }));
        return { status: 200, body: { status: "COMPLETE", results, startedAt, completedAt: isoNow() } };
      },
    },
    {
      method: "POST",
      pattern: /^\/crm\/v3\/objects\/contacts\/batch\/read$/,
      run: (_m, req) => {
        const startedAt = isoNow();
        const body = bodyOf(req);
        const props = Array.isArray(body.properties) ? body.properties.map(String) : undefined;
        const idProp = typeof body.idProperty === "string" ? body.idProperty : undefined;
        const { found, missing } = store.readMany(body.inputs, idProp);
        const results = found.map((c) => store.view(c, props));
        const done = { status: "COMPLETE", results, startedAt, completedAt: isoNow() };
        if (missing.length === 0) return { status: 200, body: done };
        // HubSpot answers 207 Multi-Status with the ids it could not find.
        const errors = [
          {
            status: "error",
            category: "OBJECT_NOT_FOUND",
            message: `Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.`,
            context: { ids: missing },
          },
        ];
        return { status: 207, body: { ...done, numErrors: errors.length, errors } };
      },
    },
    {
      method: "POST",
      pattern: /^\/crm\/v3\/objects\/contacts\/search$/,
      run: (_m, req) => {
        const body = bodyOf(req);
        const props = Array.isArray(body.properties) ? body.properties.map(String) : undefined;
        const found = store.search(body);
        const results = found.results.map((r) => store.view(r.contact, props, r.properties));
        const paging = found.after ? { next: { after: found.after, link: `${CONTACTS}/search` } } : undefined;
        return { status: 200, body: { total: found.total, results, paging } };
      },
    },
    {
      method: "GET",
      pattern: /^\/crm\/v3\/objects\/contacts\/([^/]+)$/,
      run: ([, id], req) => {
        const contact = store.find(decodeURIComponent(id), idProperty(req));
        return contact ? { status: 200, body: store.view(contact, requested(req)) } : notFound();
      },
    },
    {
      method: "PATCH",
      pattern: /^\/crm\/v3\/objects\/contacts\/([^/]+)$/,
      run: ([, id], req) => {
        const contact = store.find(decodeURIComponent(id), idProperty(req));
        if (!contact) return notFound();
        return { status: 200, body: store.written(store.update(contact, bodyOf(req).properties ?? {})) };
      },
    },
    {
      method: "DELETE",
      pattern: /^\/crm\/v3\/objects\/contacts\/([^/]+)$/,
      run: ([, id]) => {
        const contact = store.find(decodeURIComponent(id));
        if (contact) store.archive(contact);
        return { status: 204 };
      },
    },
    {
      method: "GET",
      pattern: /^\/crm\/v3\/properties\/contacts$/,
      run: () => ({ status: 200, body: { results: [...store.properties.values()].map(toProperty) } }),
    },
    {
      method: "POST",
      pattern: /^\/crm\/v3\/properties\/contacts$/,
      run: (_m, req) => {
        const def = newProperty(req.body, store.groups, (name) => store.properties.has(name));
        store.properties.set(def.name, def);
        return { status: 201, body: toProperty(def) };
      },
    },
    {
      method: "GET",
      pattern: /^\/crm\/v3\/properties\/contacts\/groups$/,
      run: () => ({ status: 200, body: { results: [...store.groups.values()] } }),
    },
    {
      method: "POST",
      pattern: /^\/crm\/v3\/properties\/contacts\/groups$/,
      run: (_m, req) => {
        const body = bodyOf(req);
        if (typeof body.name !== "string" || typeof body.label !== "string" || !/^[a-z][a-z0-9_]*$/.test(body.name)) {
          return hubspotError(400, "VALIDATION_ERROR", "A property group needs a lower-case name and a label");
        }
        if (store.groups.has(body.name)) {
          return hubspotError(409, "OBJECT_ALREADY_EXISTS", `Property group named '${body.name}' already exists.`);
        }
        const group = {
          name: body.name,
          label: body.label,
          displayOrder: Number(body.displayOrder ?? -1),
          archived: false,
        };
        store.groups.set(group.name, group);
        return { status: 201, body: group };
      },
    },
    {
      method: "GET",
      pattern: /^\/crm\/v3\/properties\/contacts\/groups\/([^/]+)$/,
      run: ([, name]) => {
        const group = store.groups.get(decodeURIComponent(name));
        return group
          ? { status: 200, body: group }
          : hubspotError(404, "OBJECT_NOT_FOUND", `Unable to find property group ${name}`);
      },
    },
    {
      method: "GET",
      pattern: /^\/crm\/v3\/properties\/contacts\/([^/]+)$/,
      run: ([, name]) => {
        const def = store.properties.get(decodeURIComponent(name));
        return def
          ? { status: 200, body: toProperty(def) }
          : hubspotError(404, "OBJECT_NOT_FOUND", `Property ${name} does not exist`);
      },
    },
    {
      method: "PATCH",
      pattern: /^\/crm\/v3\/properties\/contacts\/([^/]+)$/,
      run: ([, name], req) => {
        const def = store.properties.get(decodeURIComponent(name));
        if (!def) return hubspotError(404, "OBJECT_NOT_FOUND", `Property ${name} does not exist`);
        if (def.hubspotDefined)
          return hubspotError(400, "VALIDATION_ERROR", `Property ${name} is HubSpot-defined and read-only`);
        const patch = newProperty({ ...toProperty(def), ...bodyOf(req), name: def.name }, store.groups, () => false);
        const updated = { ...patch, createdAt: def.createdAt, updatedAt: isoNow() };
        store.properties.set(def.name, updated);
        return { status: 200, body: toProperty(updated) };
      },
    },
    {
      method: "DELETE",
      pattern: /^\/crm\/v3\/properties\/contacts\/([^/]+)$/,
      run: ([, name]) => {
        const def = store.properties.get(decodeURIComponent(name));
        if (!def) return hubspotError(404, "OBJECT_NOT_FOUND", `Property ${name} does not exist`);
        if (def.hubspotDefined)
          return hubspotError(400, "VALIDATION_ERROR", `Property ${name} is HubSpot-defined and cannot be archived`);
        store.properties.delete(def.name);
        return { status: 204 };
      },
    },
  ];

  function route(req: SandboxRequest): SandboxResponse {
    counters.calls += 1;
    if (config.rateLimit) {
      const now = Date.now();
      if (inWindow(now) >= config.rateLimit.max) {
        counters.rateLimited += 1;
        return rateLimited(config.rateLimit);
      }
      callTimes.push(now);
    }
    if (req.jsonError) return hubspotError(400, "VALIDATION_ERROR", `Invalid input JSON: ${req.jsonError}`);
    for (const r of routes) {
      const match = r.method === req.method ? r.pattern.exec(req.path) : null;
      if (!match) continue;
      try {
        return r.run([...match], req);
      } catch (error) {
        if (error instanceof HubspotError)
          return hubspotError(error.status, error.category, error.message, error.extra);
        throw error;
      }
    }
    const known = req.path.startsWith(CONTACTS) || req.path.startsWith(PROPS);
    return known
      ? hubspotError(405, "VALIDATION_ERROR", `Method ${req.method} not allowed on ${req.path}`)
      : notFound();
  }

  function seedOne(input: unknown): Record<string, unknown> {
    if (!isRecord(input)) throw new HubspotError(400, "VALIDATION_ERROR", "each object must be a JSON object");
    if (input.object === "property") {
      const def = newProperty(input, store.groups, (name) => store.properties.has(name));
      store.properties.set(def.name, def);
      return toProperty(def);
    }
    if (input.object === "group") {
      const group = {
        name: String(input.name),
        label: String(input.label ?? input.name),
        displayOrder: -1,
        archived: false,
      };
      store.groups.set(group.name, group);
      return group;
    }
    if (input.object === "contact") return store.written(store.create(input.properties ?? {}));
    throw new HubspotError(400, "VALIDATION_ERROR", 'each object needs "object": "contact", "property" or "group"');
  }

  return {
    name: "hubspot",
    store,
    authenticate(req) {
      if (header(req.headers, "authorization") === `Bearer ${config.accessToken}`) return undefined;
      return hubspotError(
        401,
        "INVALID_AUTHENTICATION",
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
      );
    },
    handle: route,
    faultResponse(status) {
      if (status === 429) {
        return {
          ...hubspotError(429, "RATE_LIMITS", "You have reached your secondly limit.", {
            errorType: "RATE_LIMIT",
            policyName: "SECONDLY",
          }),
          headers: {
            "x-hubspot-ratelimit-max": "190",
            "x-hubspot-ratelimit-remaining": "0",
            "x-hubspot-ratelimit-interval-milliseconds": "10000",
          },
        };
      }
      const category = CATEGORY[status] ?? (status >= 500 ? "INTERNAL_ERROR" : "VALIDATION_ERROR");
      const message = status >= 500 ? "internal error (sandbox fault)" : `Sandbox injected status ${status}`;
      return hubspotError(status, category, message);
    },
    commonHeaders() {
      const limit = config.rateLimit;
      return {
        "x-hubspot-correlation-id": uuid(),
        "x-hubspot-ratelimit-max": String(limit?.max ?? 190),
        "x-hubspot-ratelimit-remaining": String(limit ? Math.max(0, limit.max - inWindow(Date.now()) - 1) : 189),
        "x-hubspot-ratelimit-interval-milliseconds": String(limit?.windowMs ?? 10000),
      };
    },
    reset() {
      store.clear();
      callTimes = [];
      counters.calls = 0;
      counters.rateLimited = 0;
      config = { ...initial };
      store.searchLagMs = config.searchLagMs;
    },
    snapshot() {
      const contacts = [...store.contacts.values()].map(({ versions, ...c }) => c);
      const custom = [...store.properties.values()].filter((p) => !p.hubspotDefined).map(toProperty);
      return {
        config: { ...config, accessToken: `…${config.accessToken.slice(-4)}` },
        counters: {
          contacts: contacts.length,
          writes: contacts.reduce((n, c) => n + c.writes, 0),
          /** Authenticated API calls received, and how many of them were refused by the rateLimit. */
          calls: counters.calls,
          rateLimited: counters.rateLimited,
        },
        writesByEmail: { ...store.writesByEmail },
        purged: [...store.purged],
        contacts,
        properties: custom,
        groups: [...store.groups.values()],
      };
    },
    dump: () => store.dump(),
    restore: (state) => store.restore(state),
    configure(patch) {
      if (typeof patch.accessToken === "string") config.accessToken = patch.accessToken;
      if (typeof patch.searchLagMs === "number") config.searchLagMs = store.searchLagMs = patch.searchLagMs;
      if ("rateLimit" in patch) {
        config.rateLimit = parseRateLimitConfig(patch.rateLimit);
        callTimes = [];
      }
      return { ...config, accessToken: `…${config.accessToken.slice(-4)}` };
    },
    seed(input) {
      try {
        const list = Array.isArray(input) ? input : [input];
        return { status: 201, body: { objects: list.map(seedOne) } };
      } catch (error) {
        if (error instanceof HubspotError)
          return hubspotError(error.status, error.category, error.message, error.extra);
        throw error;
      }
    },
  };
}
