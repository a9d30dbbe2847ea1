// Zendesk Support API v2 look-alike: tickets (with Idempotency-Key), users, Basic email/token auth; user
// deletion and comment redaction in zendesk-erasure.ts.
// Comments honour `author_id` and public/private; a public first comment by the requester is acknowledged to
// them ("request received" notification, in `notifications`). When `webhookUrl` is configured (POST
// /__sandbox/config { webhookUrl, webhookSecret }), a status change (agent update, PUT /tickets/{id}.json, or
// setStatus) is sent there as a signed `zen:event-type:ticket.status_changed` webhook, fire and forget.
import { IdempotencyStore } from "./idempotency";
import { createZendeskErasure } from "./zendesk-erasure";
import { StateError, dumpIdempotency, nextCounter, record, records, restoreIdempotency } from "./persistence";
import type { SandboxRequest, SandboxResponse, Service } from "./http";
import {
  ZendeskError,
  buildTicket,
  buildUser,
  checkTicketFields,
  checkUserInput,
  commentText,
  invalid,
  normalizeTags,
  ticketStatusChangedEvent,
  updateUser,
  ZENDESK_SANDBOX_WEBHOOK_SECRET,
  zendeskError,
  zendeskWebhookSignature,
} from "./zendesk-objects";
import type { ZComment, ZNotification, ZTicket, ZUser, ZWebhookDelivery } from "./zendesk-objects";
import {
  type SandboxRoute,
  dispatchRoutes,
  header,
  isEmail,
  isRecord,
  isoNow,
  randomToken,
  stableStringify,
} from "./util";

export type ZendeskConfig = {
  email: string;
  token: string;
  idempotencyTtlMs: number;
  /** Where ticket status changes are sent (a Zendesk webhook subscribed to ticket.status_changed); null: none. */
  webhookUrl: string | null;
  webhookSecret: string;
};

type Route = SandboxRoute;

const ME_ID = 1000;

export function createZendeskService(options: {
  email: string;
  token: string;
  webhookUrl?: string;
  webhookSecret?: string;
}): Service & {
  tickets: Map<number, ZTicket>;
  users: Map<number, ZUser>;
  /** Soft-deleted users (DELETE /users/{id}) not yet permanently deleted. */
  deletedUsers: Map<number, ZUser>;
  /** Comments of a ticket, oldest first. */
  comments: (ticketId: number) => ZComment[];
  /** Notifications sent to end users (request-received acknowledgements), oldest first. */
  notifications: () => ZNotification[];
  /** Status webhooks sent (or tried), oldest first. */
  deliveries: () => ZWebhookDelivery[];
  /** Waits for the webhook deliveries under way. */
  flushWebhooks: () => Promise<void>;
  /** Changes a ticket's status as an agent would in the agent workspace (and sends the webhook). */
  setStatus: (ticketId: number, status: string) => ZTicket;
} {
  const initial: ZendeskConfig = {
    email: options.email,
    token: options.token,
    idempotencyTtlMs: 2 * 3600 * 1000,
    webhookUrl: options.webhookUrl ?? null,
    webhookSecret: options.webhookSecret ?? ZENDESK_SANDBOX_WEBHOOK_SECRET,
  };
  let config: ZendeskConfig = { ...initial };
  const users = new Map<number, ZUser>();
  const tickets = new Map<number, ZTicket>();
  const comments = new Map<number, ZComment[]>();
  const notifications: ZNotification[] = [];
  const deliveries: ZWebhookDelivery[] = [];
  const inflight = new Set<Promise<void>>();
  let nextNotificationId = 1;
  const idempotency = new IdempotencyStore(config.idempotencyTtlMs);
  const counters = { ticketsCreated: 0, replayed: 0, usersCreated: 0, notificationsSent: 0, webhooksSent: 0 };
  let nextUserId = 10001;
  let nextTicketId = 1;
  let nextCommentId = 500001;

  const base = (req: SandboxRequest) => `http://${header(req.headers, "host") ?? "127.0.0.1"}`;
  const bodyOf = (req: SandboxRequest, root: string) => {
    const body = isRecord(req.body) ? req.body[root] : undefined;
    if (!isRecord(body))
      throw new ZendeskError(zendeskError(400, "InvalidEndpoint", `Request body must have a "${root}" object`));
    return body;
  };
  const byEmail = (email: string) => [...users.values()].find((u) => u.email === email.toLowerCase());
  const byExternalId = (id: string) => [...users.values()].find((u) => u.external_id === id);

  function seedMe() {
    users.clear();
    users.set(ME_ID, buildUser("http://127.0.0.1", ME_ID, { name: "Sandbox Agent", email: config.email }, "admin"));
  }
  seedMe();
  const erasure = createZendeskErasure({ users, tickets, comments, base });

  function publicConfig() {
    return {
      pageSize: erasure.pageSize,
      email: config.email,
      token: `…${config.token.slice(-4)}`,
      idempotencyTtlMs: config.idempotencyTtlMs,
      webhookUrl: config.webhookUrl,
      webhookSecret: config.webhookSecret ? "set" : "unset",
    };
  }

  function createUser(req: SandboxRequest, input: Record<string, unknown>): ZUser {
    checkUserInput(input, true);
    if (typeof input.email === "string" && byEmail(input.email)) {
      throw invalid("email", `Email: ${input.email} is already being used by another user`, "DuplicateValue");
    }
    const user = buildUser(base(req), nextUserId++, input);
    users.set(user.id, user);
    counters.usersCreated += 1;
    return user;
  }

  function createOrUpdateUser(req: SandboxRequest): SandboxResponse {
    const input = bodyOf(req, "user");
    const existing =
      (input.external_id != null ? byExternalId(String(input.external_id)) : undefined) ??
      (typeof input.email === "string" ? byEmail(input.email) : undefined);
    if (!existing) return { status: 201, body: { user: createUser(req, input) } };
    checkUserInput(input, false);
    const updated = updateUser(existing, input);
    users.set(updated.id, updated);
    return { status: 200, body: { user: updated } };
  }

  function resolveRequester(req: SandboxRequest, t: Record<string, unknown>): number {
    if (t.requester_id !== undefined) {
      const id = Number(t.requester_id);
      if (!users.has(id)) throw invalid("requester", "Requester: is invalid");
      return id;
    }
    if (!isRecord(t.requester)) return ME_ID;
    const email = t.requester.email;
    if (typeof email !== "string" || !isEmail(email))
      throw invalid("requester", `Requester: Email ${String(email)} is not properly formatted`);
    const found = byEmail(email);
    if (found) return found.id;
    if (typeof t.requester.name !== "string" || !t.requester.name.trim()) {
      throw invalid("requester", "Requester Name:  is too short (minimum one character)");
    }
    return createUser(req, { name: t.requester.name, email }).id;
  }

  function createTicket(req: SandboxRequest): SandboxResponse {
    const t = bodyOf(req, "ticket");
    const text = commentText(t.comment) || (typeof t.description === "string" ? t.description : "");
    if (!text.trim()) throw invalid("description", "Description: cannot be blank", "BlankValue");
    checkTicketFields(t);
    const requesterId = resolveRequester(req, t);
    // The submitter (the agent the token belongs to) writes the first comment unless author_id says who did.
    const authorId = commentAuthor(t.comment, ME_ID);
    const ticket = buildTicket(base(req), nextTicketId++, t, requesterId, ME_ID, text);
    tickets.set(ticket.id, ticket);
    const isPublic = !(isRecord(t.comment) && t.comment.public === false);
    const comment: ZComment = {
      id: nextCommentId++,
      type: "Comment",
      author_id: authorId,
      body: text,
      html_body: `<p>${text}</p>`,
      plain_body: text,
      public: isPublic,
      created_at: String(ticket.created_at),
      via: { channel: "api", source: { from: {}, to: {}, rel: null } },
    };
    comments.set(ticket.id, [comment]);
    counters.ticketsCreated += 1;
    // Zendesk's default trigger "Notify requester of received request": the request is the requester's own
    // public comment, so they get the acknowledgement (an agent-written or private first comment is not theirs).
    if (isPublic && authorId === requesterId) {
      notifications.push({
        id: nextNotificationId++,
        kind: "request_received",
        ticket_id: ticket.id,
        user_id: requesterId,
        to: users.get(requesterId)?.email ?? null,
        comment_id: comment.id,
        at: String(ticket.created_at),
      });
      counters.notificationsSent += 1;
    }
    const audit = {
      id: nextCommentId++,
      ticket_id: ticket.id,
      created_at: ticket.created_at,
      author_id: ME_ID,
      events: [{ ...comment }],
    };
    return {
      status: 201,
      body: { ticket, audit },
      headers: { location: `${base(req)}/api/v2/tickets/${ticket.id}.json` },
    };
  }

  function updateTicket(id: number, req: SandboxRequest): SandboxResponse {
    const ticket = tickets.get(id);
    if (!ticket) return zendeskError(404, "RecordNotFound", "Not found");
    const t = bodyOf(req, "ticket");
    if (ticket.status === "closed") throw invalid("status", "Status: closed prevents ticket update");
    checkTicketFields(t);
    const next: ZTicket = { ...ticket, updated_at: isoNow() };
    for (const field of ["subject", "status", "priority", "type", "external_id"])
      if (t[field] !== undefined) next[field] = t[field];
    if (t.tags !== undefined) next.tags = normalizeTags(t.tags);
    if (Array.isArray(t.custom_fields)) next.custom_fields = next.fields = t.custom_fields;
    const text = commentText(t.comment);
    if (text) {
      const isPublic = !(isRecord(t.comment) && t.comment.public === false);
      comments.get(id)?.push({
        id: nextCommentId++,
        type: "Comment",
        author_id: commentAuthor(t.comment, ME_ID),
        body: text,
        html_body: `<p>${text}</p>`,
        plain_body: text,
        public: isPublic,
        created_at: String(next.updated_at),
        via: { channel: "api", source: { from: {}, to: {}, rel: null } },
      });
    }
    tickets.set(id, next);
    if (next.status !== ticket.status) sendStatusChanged(next, String(ticket.status));
    return { status: 200, body: { ticket: next } };
  }

  /** `comment.author_id` when given (an existing user), else the fallback. */
  function commentAuthor(comment: unknown, fallback: number): number {
    if (!isRecord(comment) || comment.author_id === undefined || comment.author_id === null) return fallback;
    const id = Number(comment.author_id);
    if (!users.has(id)) throw invalid("author_id", "Author: is invalid");
    return id;
  }

  // --- webhooks (an event-subscribed webhook on zen:event-type:ticket.status_changed) ---

  function sendStatusChanged(ticket: ZTicket, previous: string): void {
    const url = config.webhookUrl;
    if (!url) return;
    const event = ticketStatusChangedEvent(ticket, previous, String(ticket.updated_at));
    const body = JSON.stringify(event);
    const timestamp = `${new Date().toISOString().slice(0, 19)}Z`;
    const delivery: ZWebhookDelivery = {
      id: event.id,
      type: event.type,
      ticketId: ticket.id,
      url,
      status: null,
      at: new Date().toISOString(),
    };
    deliveries.push(delivery);
    counters.webhooksSent += 1;
    const sent = fetch(url, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "user-agent": "Zendesk Webhook (sandbox)",
        "x-zendesk-account-id": String(event.account_id),
        "x-zendesk-webhook-id": "01SANDBOXWEBHOOK000000000",
        "x-zendesk-webhook-invocation-id": randomToken(16),
        "x-zendesk-webhook-signature": zendeskWebhookSignature(config.webhookSecret, timestamp, body),
        "x-zendesk-webhook-signature-timestamp": timestamp,
      },
      signal: AbortSignal.timeout(10_000),
    })
      .then((res) => {
        delivery.status = res.status;
        if (res.status >= 300) console.warn(`[sandbox zendesk] webhook ${event.id} to ${url} answered ${res.status}`);
        return res.arrayBuffer();
      })
      .then(
        () => undefined,
        (err: unknown) => {
          delivery.error = err instanceof Error ? err.message : String(err);
          console.warn(`[sandbox zendesk] webhook ${event.id} to ${url} failed: ${delivery.error}`);
        },
      )
      .finally(() => inflight.delete(sent));
    inflight.add(sent);
  }

  function listTickets(req: SandboxRequest, rows: ZTicket[]): SandboxResponse {
    const cursor = [...req.query.keys()].some((k) => k.startsWith("page[") || k.startsWith("page%5B"));
    if (cursor)
      return {
        status: 200,
        body: {
          tickets: rows,
          meta: { has_more: false, after_cursor: null, before_cursor: null },
          links: { next: null, prev: null },
        },
      };
    return { status: 200, body: { tickets: rows, next_page: null, previous_page: null, count: rows.length } };
  }

  function searchUsers(req: SandboxRequest): SandboxResponse {
    const query = (req.query.get("query") ?? "").trim();
    const externalId = req.query.get("external_id");
    const m = /^(email|external_id):"?([^"]*)"?$/.exec(query);
    const found = [...users.values()].filter((u) => {
      if (externalId) return u.external_id === externalId;
      if (m) return m[1] === "email" ? u.email === m[2].toLowerCase() : u.external_id === m[2];
      const q = query.toLowerCase();
      return q !== "" && (u.name.toLowerCase().includes(q) || (u.email ?? "").includes(q));
    });
    return { status: 200, body: { users: found, next_page: null, previous_page: null, count: found.length } };
  }

  const TICKET_ID = /^\/api\/v2\/tickets\/(\d+)\.json$/;
  const routes: Route[] = [
    ...erasure.routes,
    { method: "POST", pattern: /^\/api\/v2\/tickets\.json$/, run: (_m, req) => createTicket(req) },
    {
      method: "GET",
      pattern: /^\/api\/v2\/tickets\.json$/,
      run: (_m, req) => {
        const externalId = req.query.get("external_id");
        return listTickets(
          req,
          [...tickets.values()].filter((t) => externalId === null || t.external_id === externalId),
        );
      },
    },
    {
      method: "GET",
      pattern: TICKET_ID,
      run: ([, id]) => {
        const ticket = tickets.get(Number(id));
        return ticket ? { status: 200, body: { ticket } } : zendeskError(404, "RecordNotFound", "Not found");
      },
    },
    { method: "PUT", pattern: TICKET_ID, run: ([, id], req) => updateTicket(Number(id), req) },
    {
      method: "GET",
      pattern: /^\/api\/v2\/tickets\/(\d+)\/comments\.json$/,
      run: ([, id]) => {
        const list = comments.get(Number(id));
        return list
          ? { status: 200, body: { comments: list, next_page: null, previous_page: null, count: list.length } }
          : zendeskError(404, "RecordNotFound", "Not found");
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/v2\/users\/me\.json$/,
      run: () => ({ status: 200, body: { user: users.get(ME_ID) } }),
    },
    { method: "GET", pattern: /^\/api\/v2\/users\/search\.json$/, run: (_m, req) => searchUsers(req) },
    {
      method: "POST",
      pattern: /^\/api\/v2\/users\/create_or_update\.json$/,
      run: (_m, req) => createOrUpdateUser(req),
    },
    {
      method: "POST",
      pattern: /^\/api\/v2\/users\.json$/,
      run: (_m, req) => ({ status: 201, body: { user: createUser(req, bodyOf(req, "user")) } }),
    },
    {
      method: "GET",
      pattern: /^\/api\/v2\/users\/show_many\.json$/,
      run: (_m, req) => {
        const ids = (req.query.get("ids") ?? "")
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        if (ids.length > 100) throw invalid("ids", "Ids: at most 100 ids per request");
        const found = ids.flatMap((id) => users.get(Number(id)) ?? []);
        return { status: 200, body: { users: found, next_page: null, previous_page: null, count: found.length } };
      },
    },
    {
      method: "PUT",
      pattern: /^\/api\/v2\/users\/(\d+)\.json$/,
      run: ([, id], req) => {
        const user = users.get(Number(id));
        if (!user) return zendeskError(404, "RecordNotFound", "Not found");
        const input = bodyOf(req, "user");
        checkUserInput(input, false);
        const updated = updateUser(user, input);
        users.set(updated.id, updated);
        return { status: 200, body: { user: updated } };
      },
    },
  ];

  function route(req: SandboxRequest): SandboxResponse {
    if (req.jsonError) return zendeskError(400, "InvalidJSON", `Invalid JSON: ${req.jsonError}`);
    return dispatchRoutes(routes, req) ?? zendeskError(404, "InvalidEndpoint", "Not found");
  }

  return {
    name: "zendesk",
    tickets,
    users,
    deletedUsers: erasure.deletedUsers,
    comments: (ticketId) => (comments.get(ticketId) ?? []).map((c) => ({ ...c })),
    notifications: () => notifications.map((n) => ({ ...n })),
    deliveries: () => deliveries.map((d) => ({ ...d })),
    async flushWebhooks() {
      while (inflight.size) await Promise.all([...inflight]);
    },
    setStatus(ticketId, status) {
      const ticket = tickets.get(ticketId);
      if (!ticket) throw new Error(`no ticket ${ticketId}`);
      checkTicketFields({ status });
      const next: ZTicket = { ...ticket, status, updated_at: isoNow() };
      tickets.set(ticketId, next);
      if (status !== ticket.status) sendStatusChanged(next, String(ticket.status));
      return next;
    },
    authenticate(req) {
      const expected = `Basic ${Buffer.from(`${config.email}/token:${config.token}`).toString("base64")}`;
      return header(req.headers, "authorization") === expected
        ? undefined
        : zendeskError(401, "Couldn't authenticate you");
    },
    handle(req) {
      const key = header(req.headers, "idempotency-key");
      if (!key || req.method !== "POST" || req.path !== "/api/v2/tickets.json") return route(req);
      const fingerprint = stableStringify(req.body ?? null);
      const found = idempotency.lookup(key, fingerprint);
      if (found.kind === "mismatch") {
        return zendeskError(
          400,
          "IdempotentRequestError",
          "Request parameters do not match the original request for this Idempotency-Key",
        );
      }
      if (found.kind === "hit") {
        counters.replayed += 1;
        return {
          ...found.response,
          headers: { ...found.response.headers, "x-idempotency-lookup": "hit" },
          replayed: true,
        };
      }
      const response = route(req);
      if (response.status < 300) idempotency.store(key, fingerprint, response);
      return { ...response, headers: { ...response.headers, "x-idempotency-lookup": "miss" } };
    },
    faultResponse(status) {
      if (status === 429) {
        return {
          ...zendeskError(429, "APIRateLimitExceeded", "Number of allowed API requests per minute exceeded"),
          headers: { "retry-after": "1", "x-rate-limit": "700", "x-rate-limit-remaining": "0" },
        };
      }
      if (status === 401) return zendeskError(401, "Couldn't authenticate you");
      if (status === 403) return zendeskError(403, "Forbidden", "You do not have access to this page.");
      if (status === 404) return zendeskError(404, "RecordNotFound", "Not found");
      if (status === 422) return zendeskError(422, "RecordInvalid", "Record validation errors", {});
      if (status === 503)
        return zendeskError(503, "ServiceUnavailable", "Zendesk is temporarily unavailable (sandbox fault)");
      if (status >= 500) return zendeskError(status, "InternalServerError", "Something went wrong (sandbox fault)");
      return zendeskError(status, "SandboxFault", `Sandbox injected status ${status}`);
    },
    commonHeaders() {
      return {
        "x-zendesk-request-id": randomToken(16),
        "x-rate-limit": "700",
        "x-rate-limit-remaining": "699",
        "x-zendesk-api-version": "v2",
      };
    },
    reset() {
      config = { ...initial };
      idempotency.clear();
      idempotency.ttlMs = config.idempotencyTtlMs;
      tickets.clear();
      comments.clear();
      notifications.length = 0;
      deliveries.length = 0;
      erasure.reset();
      seedMe();
      Object.assign(counters, {
        ticketsCreated: 0,
        replayed: 0,
        usersCreated: 0,
        notificationsSent: 0,
        webhooksSent: 0,
      });
      // Ids keep counting (as in Zendesk): a database that outlives a reset still holds the old ones.
    },
    snapshot() {
      return {
        config: publicConfig(),
        counters: { ...counters, tickets: tickets.size, users: users.size, idempotencyKeys: idempotency.size() },
        tickets: [...tickets.values()].map((t) => ({ ...t, comments: comments.get(t.id) ?? [] })),
        users: [...users.values()],
        deletedUsers: erasure.dump(),
        notifications: notifications.map((n) => ({ ...n })),
        webhookDeliveries: deliveries.map((d) => ({ ...d })),
      };
    },
    dump() {
      return {
        users: [...users.values()],
        deletedUsers: erasure.dump(),
        tickets: [...tickets.values()],
        comments: [...comments.entries()],
        notifications: [...notifications],
        counters: { ...counters },
        next: { user: nextUserId, ticket: nextTicketId, comment: nextCommentId, notification: nextNotificationId },
        idempotency: dumpIdempotency(idempotency),
      };
    },
    restore(state) {
      const s = record(state, "zendesk state");
      const savedUsers = records<ZUser>(s.users, "zendesk users");
      const savedTickets = records<ZTicket>(s.tickets, "zendesk tickets");
      if (![...savedUsers, ...savedTickets].every((o) => Number.isSafeInteger(o.id)))
        throw new StateError("a zendesk user or ticket has no numeric id");
      if (!Array.isArray(s.comments)) throw new StateError("zendesk comments are not a list");
      const savedComments = s.comments.map((entry: unknown) => {
        if (!Array.isArray(entry) || typeof entry[0] !== "number")
          throw new StateError("a zendesk comment entry is malformed");
        return [entry[0], records<ZComment>(entry[1], `zendesk comments of ticket ${entry[0]}`)] as const;
      });
      const savedNotifications =
        s.notifications === undefined ? [] : records<ZNotification>(s.notifications, "zendesk notifications");
      const next = record(s.next, "zendesk id counters");
      const savedCounters = record(s.counters ?? {}, "zendesk counters");
      const restoreDeleted = erasure.restore(s.deletedUsers);
      restoreIdempotency(idempotency, s.idempotency);
      restoreDeleted();
      seedMe(); // the agent the credentials belong to, unless the saved users have it
      tickets.clear();
      comments.clear();
      for (const u of savedUsers) users.set(u.id, u);
      for (const t of savedTickets) tickets.set(t.id, t);
      for (const [id, list] of savedComments) comments.set(id, list);
      notifications.length = 0;
      notifications.push(...savedNotifications);
      nextNotificationId = nextCounter(
        next.notification,
        notifications.map((n) => n.id),
        1,
      );
      for (const key of Object.keys(counters) as (keyof typeof counters)[])
        counters[key] = typeof savedCounters[key] === "number" ? savedCounters[key] : 0;
      nextUserId = nextCounter(next.user, users.keys(), 10001);
      nextTicketId = nextCounter(next.ticket, tickets.keys(), 1);
      nextCommentId = nextCounter(
        next.comment,
        [...comments.values()].flat().map((c) => c.id),
        500001,
      );
    },
    configure(patch) {
      if (typeof patch.email === "string") config.email = patch.email;
      if (typeof patch.token === "string") config.token = patch.token;
      if (typeof patch.idempotencyTtlMs === "number")
        config.idempotencyTtlMs = idempotency.ttlMs = patch.idempotencyTtlMs;
      if (patch.webhookUrl === null || typeof patch.webhookUrl === "string") {
        if (typeof patch.webhookUrl === "string" && patch.webhookUrl && !/^https?:\/\//.test(patch.webhookUrl))
          throw new Error("webhookUrl must be an http(s) URL");
        config.webhookUrl = patch.webhookUrl || null;
      }
      if (typeof patch.pageSize === "number" && patch.pageSize >= 1) erasure.pageSize = Math.min(patch.pageSize, 100);
      if (typeof patch.webhookSecret === "string" && patch.webhookSecret) config.webhookSecret = patch.webhookSecret;
      return publicConfig();
    },
    seed(input) {
      const list = Array.isArray(input) ? input : [input];
      const fake = { headers: {}, query: new URLSearchParams() } as unknown as SandboxRequest;
      try {
        const objects = list.map((o) => {
          if (!isRecord(o) || o.object !== "user")
            throw new ZendeskError(zendeskError(400, "InvalidValue", 'each object needs "object": "user"'));
          return createUser(fake, o);
        });
        return { status: 201, body: { objects } };
      } catch (error) {
        if (error instanceof ZendeskError) return error.response;
        throw error;
      }
    },
  };
}
