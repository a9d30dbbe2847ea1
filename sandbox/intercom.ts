// Intercom REST API (2.11) look-alike: contacts (create, search, get, update, delete), conversation data attributes,
// conversations (started by a contact, search, get with parts, notes and replies, close/open/snooze), admin-initiated
// messages (POST /messages: email or in-app, opening a conversation when create_conversation_without_contact_reply), GET /me,
// Bearer auth, `error.list` error bodies, and signed webhooks (X-Hub-Signature: sha1=HMAC-SHA1(secret, body))
// sent to `webhookUrl` when a conversation is closed, opened or snoozed (POST /__sandbox/config).
import { createHmac, randomBytes } from "node:crypto";
import type { SandboxRequest, SandboxResponse, Service } from "./http";
import { StateError, nextCounter, record, records } from "./persistence";
import { type SandboxRoute, dispatchRoutes, header, isEmail, isRecord, nowSeconds, randomToken } from "./util";

export const INTERCOM_SANDBOX_WEBHOOK_SECRET = "icsec_demo_sandbox_secret_0123";

export type IContact = {
  type: "contact";
  id: string;
  workspace_id: string;
  external_id: string | null;
  role: "user" | "lead";
  email: string | null;
  name: string | null;
  phone: string | null;
  created_at: number;
  updated_at: number;
  signed_up_at: number | null;
  custom_attributes: Record<string, unknown>;
  [key: string]: unknown;
};

export type IPart = {
  type: "conversation_part";
  id: string;
  part_type: string;
  body: string | null;
  created_at: number;
  updated_at: number;
  notified_at: number;
  assigned_to: null;
  author: { id: string; type: "admin" | "user" | "lead" | "bot"; name: string | null; email: string | null };
  attachments: unknown[];
  external_id: null;
  redacted: boolean;
};

export type IConversation = {
  type: "conversation";
  id: string;
  title: string | null;
  created_at: number;
  updated_at: number;
  waiting_since: number | null;
  snoozed_until: number | null;
  open: boolean;
  state: "open" | "closed" | "snoozed";
  read: boolean;
  priority: "priority" | "not_priority";
  admin_assignee_id: number | null;
  team_assignee_id: string | null;
  source: {
    type: "conversation";
    id: string;
    delivered_as: "customer_initiated" | "admin_initiated";
    subject: string;
    body: string;
    author: { id: string; type: "user" | "lead" | "admin"; name: string | null; email: string | null };
    attachments: unknown[];
    url: null;
    redacted: boolean;
  };
  contacts: { type: "contact.list"; contacts: Array<{ type: "contact"; id: string; external_id: string | null }> };
  custom_attributes: Record<string, unknown>;
  parts: IPart[];
};

export type IDataAttribute = {
  type: "data_attribute";
  id: number;
  model: "contact" | "company" | "conversation";
  name: string;
  full_name: string;
  label: string;
  description: string;
  data_type: string;
  custom: boolean;
  archived: boolean;
  created_at: number;
  updated_at: number;
};

/** A message sent by an admin (POST /messages), as Intercom answers it. */
export type IMessage = {
  type: "admin_message";
  id: string;
  created_at: number;
  subject: string;
  body: string;
  message_type: "email" | "inapp";
  /** Intercom opens a conversation only when asked (create_conversation_without_contact_reply) or on a reply. */
  conversation_id: string | null;
  owner: { type: "admin"; id: string; name: string; email: string; away_mode_enabled: boolean };
  /** Sandbox-only bookkeeping: the contact it went to (not in Intercom's answer). */
  to: { type: "user" | "lead"; id: string };
  template: string;
};

export type WebhookDelivery = {
  id: string;
  topic: string;
  url: string;
  status: number | null;
  error?: string;
  at: string;
};

type Config = { token: string; webhookUrl: string | null; webhookSecret: string; adminId: string };
type Route = SandboxRoute;

class IntercomFailure extends Error {
  constructor(readonly response: SandboxResponse) {
    super("intercom error");
  }
}

export function intercomError(status: number, code: string, message: string): SandboxResponse {
  return {
    status,
    body: { type: "error.list", request_id: randomToken(20), errors: [{ code, message }] },
  };
}

const fail = (status: number, code: string, message: string) =>
  new IntercomFailure(intercomError(status, code, message));
const WORKSPACE = "sandbox";
const ADMIN = { name: "Sandbox Admin", email: "admin@sandbox.test" };

/** `sha1=<hex>`: Intercom's X-Hub-Signature over the raw body with the app's client secret. */
export function intercomSignature(secret: string, body: string): string {
  return `sha1=${createHmac("sha1", secret).update(body).digest("hex")}`;
}

export function createIntercomService(options: {
  token: string;
  webhookSecret?: string;
  webhookUrl?: string;
}): Service & {
  contacts: Map<string, IContact>;
  conversations: Map<string, IConversation>;
  /** Admin-initiated messages (POST /messages), by id. */
  messages: Map<string, IMessage>;
  /** Webhook notifications sent (or tried), oldest first. */
  deliveries: () => WebhookDelivery[];
  /** Waits for the webhook deliveries under way. */
  flushWebhooks: () => Promise<void>;
  /** Changes a conversation's state as an admin would in the inbox (and sends the webhook). */
  setState: (conversationId: string, state: "open" | "closed" | "snoozed") => IConversation;
} {
  const initial: Config = {
    token: options.token,
    webhookUrl: options.webhookUrl ?? null,
    webhookSecret: options.webhookSecret ?? INTERCOM_SANDBOX_WEBHOOK_SECRET,
    adminId: "991",
  };
  let config: Config = { ...initial };
  const contacts = new Map<string, IContact>();
  const conversations = new Map<string, IConversation>();
  const attributes = new Map<string, IDataAttribute>();
  const messages = new Map<string, IMessage>();
  const deliveries: WebhookDelivery[] = [];
  const inflight = new Set<Promise<void>>();
  const counters = { contactsCreated: 0, conversationsCreated: 0, notes: 0, messagesSent: 0, webhooksSent: 0 };
  let nextConversation = 1;
  let nextPart = 1;
  let nextAttribute = 1;
  let nextMessage = 1;

  const contactId = () => randomBytes(12).toString("hex");
  const byExternalId = (id: string) => [...contacts.values()].find((c) => c.external_id === id);
  const byEmail = (email: string) => [...contacts.values()].filter((c) => c.email === email.toLowerCase());
  const bodyOf = (req: SandboxRequest) => {
    if (!isRecord(req.body)) throw fail(400, "parameter_invalid", "Request body must be a JSON object");
    return req.body;
  };
  const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : undefined);

  // --- contacts ---

  function createContact(input: Record<string, unknown>): IContact {
    const role = input.role === undefined ? "user" : input.role;
    if (role !== "user" && role !== "lead") throw fail(400, "parameter_invalid", "Role must be user or lead");
    const email = str(input.email)?.toLowerCase();
    const externalId = str(input.external_id);
    if (!email && !externalId && input.role === undefined)
      throw fail(400, "parameter_invalid", "Email, external_id or role is required");
    if (email && !isEmail(email)) throw fail(400, "parameter_invalid", "Email is not valid");
    const conflict =
      (externalId && byExternalId(externalId)) || (email && role === "user" ? byEmail(email)[0] : undefined);
    if (conflict) throw fail(409, "conflict", `A contact matching those details already exists with id=${conflict.id}`);
    const now = nowSeconds();
    const contact: IContact = {
      type: "contact",
      id: contactId(),
      workspace_id: WORKSPACE,
      external_id: externalId ?? null,
      role,
      email: email ?? null,
      name: str(input.name) ?? null,
      phone: str(input.phone) ?? null,
      created_at: now,
      updated_at: now,
      signed_up_at: role === "user" ? now : null,
      last_seen_at: null,
      custom_attributes: isRecord(input.custom_attributes) ? input.custom_attributes : {},
      tags: { type: "list", data: [], url: "", total_count: 0, has_more: false },
    };
    contacts.set(contact.id, contact);
    counters.contactsCreated += 1;
    return contact;
  }

  function updateContact(id: string, input: Record<string, unknown>): IContact {
    const contact = contacts.get(id);
    if (!contact) throw fail(404, "not_found", "User Not Found");
    const externalId = str(input.external_id);
    if (externalId && externalId !== contact.external_id) {
      const other = byExternalId(externalId);
      if (other) throw fail(409, "conflict", `A contact matching those details already exists with id=${other.id}`);
    }
    const next: IContact = { ...contact, updated_at: nowSeconds() };
    if (externalId) next.external_id = externalId;
    if (input.role === "user" || input.role === "lead") next.role = input.role;
    if (str(input.email)) next.email = String(input.email).toLowerCase();
    if (input.name !== undefined) next.name = str(input.name) ?? null;
    if (isRecord(input.custom_attributes))
      next.custom_attributes = { ...contact.custom_attributes, ...input.custom_attributes };
    contacts.set(id, next);
    return next;
  }

  // --- search: { field, operator, value } or { operator: AND|OR, value: [...] } ---

  function fieldOf(obj: Record<string, unknown>, field: string): unknown[] {
    if (field === "contact_ids") return ((obj as IConversation).contacts?.contacts ?? []).map((c) => c.id);
    let node: unknown = obj;
    for (const key of field.split(".")) node = isRecord(node) ? node[key] : undefined;
    return [node];
  }

  function matches(obj: Record<string, unknown>, q: unknown): boolean {
    if (!isRecord(q)) throw fail(400, "parameter_invalid", "query must be an object");
    if (q.operator === "AND" || q.operator === "OR") {
      if (!Array.isArray(q.value)) throw fail(400, "parameter_invalid", "AND/OR value must be a list of filters");
      return q.operator === "AND" ? q.value.every((f) => matches(obj, f)) : q.value.some((f) => matches(obj, f));
    }
    if (typeof q.field !== "string") throw fail(400, "parameter_invalid", "filter needs a field");
    const values = fieldOf(obj, q.field);
    const target = q.value;
    const eq = (a: unknown, b: unknown) =>
      a !== undefined && a !== null && String(a).toLowerCase() === String(b).toLowerCase();
    switch (q.operator) {
      case "=":
        return target === null ? values.every((v) => v == null) : values.some((v) => eq(v, target));
      case "!=":
        return !values.some((v) => eq(v, target));
      case "IN":
        return Array.isArray(target) && values.some((v) => target.some((t) => eq(v, t)));
      case "NIN":
        return Array.isArray(target) && !values.some((v) => target.some((t) => eq(v, t)));
      case "~":
        return values.some((v) => typeof v === "string" && v.toLowerCase().includes(String(target).toLowerCase()));
      case "!~":
        return !values.some((v) => typeof v === "string" && v.toLowerCase().includes(String(target).toLowerCase()));
      case "^":
        return values.some((v) => typeof v === "string" && v.toLowerCase().startsWith(String(target).toLowerCase()));
      case "$":
        return values.some((v) => typeof v === "string" && v.toLowerCase().endsWith(String(target).toLowerCase()));
      case ">":
        return values.some((v) => Number(v) > Number(target));
      case "<":
        return values.some((v) => Number(v) < Number(target));
      default:
        throw fail(400, "parameter_invalid", `Operator ${String(q.operator)} is not supported`);
    }
  }

  function search<T extends Record<string, unknown>>(req: SandboxRequest, rows: T[]) {
    const body = bodyOf(req);
    if (body.query === undefined) throw fail(400, "parameter_not_found", "query parameter is required");
    const perPage = Math.min(
      150,
      Math.max(1, Number((isRecord(body.pagination) ? body.pagination.per_page : undefined) ?? 20) || 20),
    );
    const found = rows.filter((r) => matches(r, body.query));
    return {
      items: found.slice(0, perPage),
      total: found.length,
      pages: { type: "pages", page: 1, per_page: perPage, total_pages: Math.max(1, Math.ceil(found.length / perPage)) },
    };
  }

  // --- conversations ---

  const partId = () => String(nextPart++);

  function view(c: IConversation) {
    const { parts, ...rest } = c;
    return {
      ...rest,
      tags: { type: "tag.list", tags: [] },
      teammates: { type: "admin.list", admins: [] },
      conversation_parts: { type: "conversation_part.list", conversation_parts: parts, total_count: parts.length },
      statistics: null,
      sla_applied: null,
      conversation_rating: null,
    };
  }

  function listView(c: IConversation) {
    const { parts: _parts, ...rest } = c;
    return rest;
  }

  function createConversation(req: SandboxRequest): SandboxResponse {
    const body = bodyOf(req);
    const from = body.from;
    if (!isRecord(from) || typeof from.id !== "string")
      throw fail(400, "parameter_invalid", "from must be an object with type and id");
    if (!["user", "lead", "contact"].includes(String(from.type)))
      throw fail(400, "parameter_invalid", "from.type must be user, lead or contact");
    const text = str(body.body);
    if (!text) throw fail(400, "parameter_not_found", "Body is required");
    const contact = contacts.get(from.id) ?? byExternalId(from.id);
    if (!contact) throw fail(404, "not_found", "User Not Found");
    const now = nowSeconds();
    const id = String(nextConversation++);
    const messageId = String(400_000_000 + Number(id));
    const conversation: IConversation = {
      type: "conversation",
      id,
      title: null,
      created_at: now,
      updated_at: now,
      waiting_since: now,
      snoozed_until: null,
      open: true,
      state: "open",
      read: false,
      priority: "not_priority",
      admin_assignee_id: null,
      team_assignee_id: null,
      source: {
        type: "conversation",
        id: messageId,
        delivered_as: "customer_initiated",
        subject: "",
        body: `<p>${escapeHtml(text).replace(/\n/g, "<br>")}</p>`,
        author: { id: contact.id, type: contact.role, name: contact.name, email: contact.email },
        attachments: [],
        url: null,
        redacted: false,
      },
      contacts: {
        type: "contact.list",
        contacts: [{ type: "contact", id: contact.id, external_id: contact.external_id }],
      },
      custom_attributes: {},
      parts: [],
    };
    conversations.set(id, conversation);
    counters.conversationsCreated += 1;
    return {
      status: 200,
      body: {
        type: "user_message",
        id: messageId,
        created_at: now,
        body: text,
        message_type: "inapp",
        conversation_id: id,
      },
    };
  }

  /**
   * POST /messages: a message initiated by an admin to a contact (email or in-app). As in Intercom, the inbox
   * conversation is opened at once only with create_conversation_without_contact_reply (its source is the
   * message, delivered_as "admin_initiated"); otherwise `conversation_id` is null until the contact replies.
   */
  function createMessage(req: SandboxRequest): SandboxResponse {
    const body = bodyOf(req);
    const type = body.message_type;
    if (type !== "email" && type !== "inapp")
      throw fail(400, "parameter_invalid", "message_type must be email or inapp");
    const text = str(body.body);
    if (!text) throw fail(400, "parameter_not_found", "Body is required");
    const subject = str(body.subject);
    if (type === "email" && !subject) throw fail(400, "parameter_not_found", "Subject is required for an email");
    const template = body.template === undefined && type === "inapp" ? "plain" : body.template;
    if (template !== "plain" && template !== "personal")
      throw fail(400, "parameter_invalid", "template must be plain or personal");
    const from = body.from;
    if (!isRecord(from) || from.type !== "admin")
      throw fail(400, "parameter_invalid", "from must be an object with type admin and id");
    if (String(from.id ?? "") !== config.adminId) throw fail(404, "admin_not_found", "Admin not found");
    const to = body.to;
    if (!isRecord(to) || (to.type !== "user" && to.type !== "lead") || typeof to.id !== "string")
      throw fail(400, "parameter_invalid", "to must be an object with type user or lead and id");
    const contact = contacts.get(to.id);
    if (!contact) throw fail(404, "not_found", "User Not Found");
    if (type === "email" && !contact.email)
      throw fail(400, "parameter_invalid", "The contact has no email address to send to");
    const now = nowSeconds();
    const owner = { type: "admin" as const, id: config.adminId, ...ADMIN, away_mode_enabled: false };
    const id = String(500_000_000 + nextMessage++);
    let conversationId: string | null = null;
    if (body.create_conversation_without_contact_reply === true) {
      conversationId = String(nextConversation++);
      conversations.set(conversationId, {
        type: "conversation",
        id: conversationId,
        title: null,
        created_at: now,
        updated_at: now,
        waiting_since: null,
        snoozed_until: null,
        open: true,
        state: "open",
        read: true,
        priority: "not_priority",
        admin_assignee_id: Number(config.adminId) || null,
        team_assignee_id: null,
        source: {
          type: "conversation",
          id,
          delivered_as: "admin_initiated",
          subject: subject ?? "",
          // HTML is kept as sent (Intercom takes HTML or plain text); plain text is wrapped as a paragraph.
          body: /<[a-z][^>]*>/i.test(text) ? text : `<p>${escapeHtml(text).replace(/\n/g, "<br>")}</p>`,
          author: { id: config.adminId, type: "admin", name: ADMIN.name, email: ADMIN.email },
          attachments: [],
          url: null,
          redacted: false,
        },
        contacts: {
          type: "contact.list",
          contacts: [{ type: "contact", id: contact.id, external_id: contact.external_id }],
        },
        custom_attributes: {},
        parts: [],
      });
      counters.conversationsCreated += 1;
    }
    const message: IMessage = {
      type: "admin_message",
      id,
      created_at: now,
      subject: subject ?? "",
      body: text,
      message_type: type,
      conversation_id: conversationId,
      owner,
      to: { type: to.type, id: contact.id },
      template,
    };
    messages.set(id, message);
    counters.messagesSent += 1;
    const { to: _to, template: _template, ...answer } = message;
    return { status: 200, body: answer };
  }

  function conversationOf(id: string): IConversation {
    const c = conversations.get(id);
    if (!c) throw fail(404, "not_found", "Resource Not Found");
    return c;
  }

  function adminAuthor(input: Record<string, unknown>) {
    if (input.type !== "admin") throw fail(400, "parameter_invalid", "type must be admin");
    if (String(input.admin_id ?? "") !== config.adminId) throw fail(404, "admin_not_found", "Admin not found");
    return { id: config.adminId, type: "admin" as const, name: ADMIN.name, email: ADMIN.email };
  }

  function addPart(c: IConversation, part_type: string, author: IPart["author"], body: string | null): IPart {
    const now = nowSeconds();
    const part: IPart = {
      type: "conversation_part",
      id: partId(),
      part_type,
      body,
      created_at: now,
      updated_at: now,
      notified_at: now,
      assigned_to: null,
      author,
      attachments: [],
      external_id: null,
      redacted: false,
    };
    c.parts.push(part);
    c.updated_at = now;
    return part;
  }

  function reply(id: string, req: SandboxRequest): SandboxResponse {
    const c = conversationOf(id);
    const input = bodyOf(req);
    const text = str(input.body);
    if (input.message_type === "note") {
      const author = adminAuthor(input);
      if (!text) throw fail(400, "parameter_not_found", "Body is required for a note");
      addPart(c, "note", author, `<p>${escapeHtml(text).replace(/\n/g, "<br>")}</p>`);
      counters.notes += 1;
    } else if (input.message_type === "comment") {
      if (!text) throw fail(400, "parameter_not_found", "Body is required");
      if (input.type === "admin") {
        addPart(c, "comment", adminAuthor(input), `<p>${escapeHtml(text)}</p>`);
        c.waiting_since = null;
      } else {
        const contact = contacts.get(String(input.intercom_user_id ?? "")) ?? byExternalId(String(input.user_id ?? ""));
        if (!contact) throw fail(404, "not_found", "User Not Found");
        addPart(c, "comment", { id: contact.id, type: contact.role, name: contact.name, email: contact.email }, text);
        c.waiting_since = nowSeconds();
        if (c.state !== "open") changeState(c, "open", null);
      }
    } else throw fail(400, "parameter_invalid", "message_type must be comment or note");
    return { status: 200, body: view(c) };
  }

  function changeState(c: IConversation, state: IConversation["state"], author: IPart["author"] | null) {
    const who = author ?? { id: config.adminId, type: "admin" as const, name: ADMIN.name, email: ADMIN.email };
    addPart(c, state === "closed" ? "close" : state === "snoozed" ? "snoozed" : "open", who, null);
    c.state = state;
    c.open = state !== "closed";
    if (state !== "snoozed") c.snoozed_until = null;
    notify(`conversation.admin.${state === "closed" ? "closed" : state === "snoozed" ? "snoozed" : "opened"}`, c);
  }

  function manage(id: string, req: SandboxRequest): SandboxResponse {
    const c = conversationOf(id);
    const input = bodyOf(req);
    const author = adminAuthor(input);
    switch (input.message_type) {
      case "close":
        if (str(input.body)) addPart(c, "comment", author, `<p>${escapeHtml(String(input.body))}</p>`);
        changeState(c, "closed", author);
        break;
      case "open":
        changeState(c, "open", author);
        break;
      case "snoozed": {
        const until = Number(input.snoozed_until);
        if (!Number.isSafeInteger(until) || until <= nowSeconds())
          throw fail(400, "parameter_invalid", "snoozed_until must be a unix time in the future");
        c.snoozed_until = until;
        changeState(c, "snoozed", author);
        break;
      }
      case "assignment":
        c.admin_assignee_id = Number(input.assignee_id) || null;
        addPart(c, "assignment", author, null);
        break;
      default:
        throw fail(400, "parameter_invalid", "message_type must be close, open, snoozed or assignment");
    }
    return { status: 200, body: view(c) };
  }

  function updateConversation(id: string, req: SandboxRequest): SandboxResponse {
    const c = conversationOf(id);
    const input = bodyOf(req);
    if (input.custom_attributes !== undefined) {
      if (!isRecord(input.custom_attributes))
        throw fail(400, "parameter_invalid", "custom_attributes must be an object");
      for (const name of Object.keys(input.custom_attributes)) {
        const known = [...attributes.values()].some(
          (a) => a.model === "conversation" && a.name === name && !a.archived,
        );
        // Intercom refuses a conversation attribute that was never created (Settings → Data → Conversations).
        if (!known) throw fail(400, "parameter_invalid", `Custom attribute '${name}' does not exist`);
      }
      c.custom_attributes = { ...c.custom_attributes, ...input.custom_attributes };
    }
    if (input.title !== undefined) c.title = str(input.title) ?? null;
    if (typeof input.read === "boolean") c.read = input.read;
    c.updated_at = nowSeconds();
    return { status: 200, body: view(c) };
  }

  // --- webhooks ---

  function notify(topic: string, c: IConversation) {
    const url = config.webhookUrl;
    if (!url) return;
    const notification = {
      type: "notification_event",
      app_id: WORKSPACE,
      topic,
      id: `notif_${randomToken(20).toLowerCase()}`,
      created_at: nowSeconds(),
      delivery_attempts: 1,
      first_sent_at: nowSeconds(),
      data: {
        type: "notification_event_data",
        item: { type: "conversation", id: c.id, state: c.state, open: c.open, updated_at: c.updated_at },
      },
    };
    const body = JSON.stringify(notification);
    const delivery: WebhookDelivery = { id: notification.id, topic, url, status: null, at: new Date().toISOString() };
    deliveries.push(delivery);
    counters.webhooksSent += 1;
    const sent = fetch(url, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "user-agent": "Intercom-Webhooks/1.0 (sandbox)",
        "x-hub-signature": intercomSignature(config.webhookSecret, body),
      },
      signal: AbortSignal.timeout(10_000),
    })
      .then((res) => {
        delivery.status = res.status;
        return res.arrayBuffer();
      })
      .then(
        () => undefined,
        (err: unknown) => {
          delivery.error = err instanceof Error ? err.message : String(err);
        },
      )
      .finally(() => inflight.delete(sent));
    inflight.add(sent);
  }

  // --- data attributes ---

  function createAttribute(req: SandboxRequest): SandboxResponse {
    const input = bodyOf(req);
    const name = str(input.name);
    const model = input.model;
    if (!name) throw fail(400, "parameter_not_found", "Name is required");
    if (model !== "contact" && model !== "company" && model !== "conversation")
      throw fail(400, "parameter_invalid", "Model must be contact, company or conversation");
    const dataType = String(input.data_type ?? "");
    if (!["string", "integer", "float", "boolean", "date", "datetime", "list"].includes(dataType))
      throw fail(400, "parameter_invalid", "Data type is not valid");
    if ([...attributes.values()].some((a) => a.model === model && a.name === name))
      throw fail(400, "parameter_invalid", `You already have '${name}' in your data. Please try a different name.`);
    const now = nowSeconds();
    const attribute: IDataAttribute = {
      type: "data_attribute",
      id: nextAttribute++,
      model,
      name,
      full_name: `custom_attributes.${name}`,
      label: name,
      description: str(input.description) ?? "",
      data_type: dataType,
      custom: true,
      archived: false,
      created_at: now,
      updated_at: now,
    };
    attributes.set(`${model}:${name}`, attribute);
    return { status: 200, body: attribute };
  }

  const CONVERSATION = /^\/conversations\/([^/]+)$/;
  const routes: Route[] = [
    {
      method: "GET",
      pattern: /^\/me$/,
      run: () => ({
        status: 200,
        body: {
          type: "admin",
          id: config.adminId,
          name: ADMIN.name,
          email: ADMIN.email,
          email_verified: true,
          app: { type: "app", id_code: WORKSPACE, name: "Sandbox workspace", region: "US", timezone: "UTC" },
        },
      }),
    },
    { method: "POST", pattern: /^\/contacts$/, run: (_m, req) => ({ status: 200, body: createContact(bodyOf(req)) }) },
    {
      method: "POST",
      pattern: /^\/contacts\/search$/,
      run: (_m, req) => {
        const r = search(req, [...contacts.values()]);
        return { status: 200, body: { type: "list", data: r.items, total_count: r.total, pages: r.pages } };
      },
    },
    {
      method: "GET",
      pattern: /^\/contacts\/([^/]+)$/,
      run: ([, id], req) => {
        const contact = contacts.get(id);
        if (!contact) throw fail(404, "not_found", "User Not Found");
        // Opened from the console's customer page (a browser): the contact with its conversations.
        if (isBrowser(req))
          return {
            status: 200,
            body: {
              contact,
              conversations: [...conversations.values()]
                .filter((c) => c.contacts.contacts.some((x) => x.id === id))
                .map(view),
            },
          };
        return { status: 200, body: contact };
      },
    },
    {
      // Intercom keeps no copy of a deleted contact; their conversations stay, naming a contact that is gone.
      method: "DELETE",
      pattern: /^\/contacts\/([^/]+)$/,
      run: ([, id]) => {
        const contact = contacts.get(id);
        if (!contact) throw fail(404, "not_found", "User Not Found");
        contacts.delete(id);
        return { status: 200, body: { type: "contact", id, external_id: contact.external_id, deleted: true } };
      },
    },
    {
      method: "PUT",
      pattern: /^\/contacts\/([^/]+)$/,
      run: ([, id], req) => ({ status: 200, body: updateContact(id, bodyOf(req)) }),
    },
    {
      method: "GET",
      pattern: /^\/data_attributes$/,
      run: (_m, req) => {
        const model = req.query.get("model");
        const list = [...attributes.values()].filter((a) => !model || a.model === model);
        return { status: 200, body: { type: "list", data: list } };
      },
    },
    { method: "POST", pattern: /^\/data_attributes$/, run: (_m, req) => createAttribute(req) },
    { method: "POST", pattern: /^\/conversations$/, run: (_m, req) => createConversation(req) },
    { method: "POST", pattern: /^\/messages$/, run: (_m, req) => createMessage(req) },
    {
      method: "POST",
      pattern: /^\/conversations\/search$/,
      run: (_m, req) => {
        const r = search(
          req,
          [...conversations.values()].sort((a, b) => b.updated_at - a.updated_at || Number(b.id) - Number(a.id)),
        );
        return {
          status: 200,
          body: {
            type: "conversation.list",
            conversations: r.items.map(listView),
            total_count: r.total,
            pages: r.pages,
          },
        };
      },
    },
    {
      method: "GET",
      pattern: /^\/conversations$/,
      run: () => ({
        status: 200,
        body: {
          type: "conversation.list",
          conversations: [...conversations.values()].map(listView),
          total_count: conversations.size,
          pages: { type: "pages", page: 1, per_page: 20, total_pages: 1 },
        },
      }),
    },
    { method: "GET", pattern: CONVERSATION, run: ([, id]) => ({ status: 200, body: view(conversationOf(id)) }) },
    { method: "PUT", pattern: CONVERSATION, run: ([, id], req) => updateConversation(id, req) },
    { method: "POST", pattern: /^\/conversations\/([^/]+)\/reply$/, run: ([, id], req) => reply(id, req) },
    { method: "POST", pattern: /^\/conversations\/([^/]+)\/parts$/, run: ([, id], req) => manage(id, req) },
  ];

  function route(req: SandboxRequest): SandboxResponse {
    if (req.jsonError) return intercomError(400, "parameter_invalid", `Invalid JSON: ${req.jsonError}`);
    return (
      dispatchRoutes(routes, req) ?? intercomError(404, "not_found", `Resource Not Found: ${req.method} ${req.path}`)
    );
  }

  function clear() {
    contacts.clear();
    conversations.clear();
    attributes.clear();
    messages.clear();
    deliveries.length = 0;
    Object.assign(counters, {
      contactsCreated: 0,
      conversationsCreated: 0,
      notes: 0,
      messagesSent: 0,
      webhooksSent: 0,
    });
  }

  return {
    name: "intercom",
    contacts,
    conversations,
    messages,
    deliveries: () => deliveries.map((d) => ({ ...d })),
    flushWebhooks: async () => {
      while (inflight.size) await Promise.all([...inflight]);
    },
    setState(conversationId, state) {
      const c = conversationOf(conversationId);
      changeState(c, state, null);
      return c;
    },
    authenticate(req) {
      if (req.method === "GET" && /^\/(contacts|conversations)\/[^/]+$/.test(req.path) && isBrowser(req))
        return undefined;
      const auth = header(req.headers, "authorization");
      if (auth === `Bearer ${config.token}`) return undefined;
      return intercomError(401, "unauthorized", "Access Token Invalid");
    },
    handle: route,
    faultResponse(status) {
      if (status === 429)
        return {
          ...intercomError(429, "rate_limit_exceeded", "Exceeded rate limit of 10000 in 60 seconds"),
          headers: {
            "x-ratelimit-limit": "10000",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": String(nowSeconds() + 1),
          },
        };
      if (status === 401) return intercomError(401, "unauthorized", "Access Token Invalid");
      if (status === 403) return intercomError(403, "api_plan_restricted", "Active subscription needed.");
      if (status === 404) return intercomError(404, "not_found", "Resource Not Found");
      if (status >= 500) return intercomError(status, "server_error", "Something went wrong (sandbox fault)");
      return intercomError(status, "sandbox_fault", `Sandbox injected status ${status}`);
    },
    commonHeaders() {
      return {
        "x-request-id": randomToken(20),
        "x-ratelimit-limit": "10000",
        "x-ratelimit-remaining": "9999",
        "x-ratelimit-reset": String(nowSeconds() + 10),
        "intercom-version": "2.11",
      };
    },
    reset() {
      config = { ...initial };
      clear();
    },
    snapshot() {
      return {
        config: {
          token: `…${config.token.slice(-4)}`,
          webhookUrl: config.webhookUrl,
          webhookSecret: config.webhookSecret ? "set" : "unset",
          adminId: config.adminId,
        },
        counters: { ...counters, contacts: contacts.size, conversations: conversations.size },
        contacts: [...contacts.values()],
        conversations: [...conversations.values()].map(view),
        dataAttributes: [...attributes.values()],
        messages: [...messages.values()],
        deliveries: deliveries.map((d) => ({ ...d })),
      };
    },
    dump() {
      return {
        contacts: [...contacts.values()],
        conversations: [...conversations.values()],
        attributes: [...attributes.values()],
        messages: [...messages.values()],
        counters: { ...counters },
        next: { conversation: nextConversation, part: nextPart, attribute: nextAttribute, message: nextMessage },
      };
    },
    restore(state) {
      const s = record(state, "intercom state");
      // The placeholder of earlier versions saved `{}`: nothing to restore, not a corrupt file.
      const savedContacts = records<IContact>(s.contacts ?? [], "intercom contacts");
      const savedConversations = records<IConversation>(s.conversations ?? [], "intercom conversations");
      const savedAttributes = records<IDataAttribute>(s.attributes ?? [], "intercom data attributes");
      const savedMessages = records<IMessage>(s.messages ?? [], "intercom messages");
      if (!savedContacts.every((c) => typeof c.id === "string")) throw new StateError("an intercom contact has no id");
      if (!savedConversations.every((c) => typeof c.id === "string" && Array.isArray(c.parts)))
        throw new StateError("an intercom conversation has no id or parts");
      if (!savedMessages.every((m) => typeof m.id === "string")) throw new StateError("an intercom message has no id");
      const next = record(s.next ?? {}, "intercom id counters");
      const savedCounters = record(s.counters ?? {}, "intercom counters");
      clear();
      for (const c of savedContacts) contacts.set(c.id, c);
      for (const c of savedConversations) conversations.set(c.id, c);
      for (const a of savedAttributes) attributes.set(`${a.model}:${a.name}`, a);
      for (const m of savedMessages) messages.set(m.id, m);
      for (const key of Object.keys(counters) as (keyof typeof counters)[])
        counters[key] = typeof savedCounters[key] === "number" ? savedCounters[key] : 0;
      nextConversation = nextCounter(next.conversation, [...conversations.keys()].map(Number), 1);
      nextPart = nextCounter(
        next.part,
        savedConversations.flatMap((c) => c.parts.map((p) => Number(p.id))),
        1,
      );
      nextAttribute = nextCounter(
        next.attribute,
        savedAttributes.map((a) => a.id),
        1,
      );
      nextMessage = nextCounter(
        next.message,
        savedMessages.map((m) => Number(m.id) - 500_000_000),
        1,
      );
    },
    configure(patch) {
      if (typeof patch.token === "string") config.token = patch.token;
      if (patch.webhookUrl === null || typeof patch.webhookUrl === "string") {
        if (typeof patch.webhookUrl === "string" && !/^https?:\/\//.test(patch.webhookUrl))
          throw new Error("webhookUrl must be an http(s) URL");
        config.webhookUrl = patch.webhookUrl || null;
      }
      if (typeof patch.webhookSecret === "string") config.webhookSecret = patch.webhookSecret;
      if (typeof patch.adminId === "string") config.adminId = patch.adminId;
      return {
        token: `…${config.token.slice(-4)}`,
        webhookUrl: config.webhookUrl,
        webhookSecret: config.webhookSecret ? "set" : "unset",
        adminId: config.adminId,
      };
    },
    seed(input) {
      const list = Array.isArray(input) ? input : [input];
      try {
        const objects = list.map((o) => {
          if (!isRecord(o) || o.object !== "contact")
            throw fail(400, "parameter_invalid", 'each object needs "object": "contact"');
          const { object: _object, ...rest } = o;
          return createContact(rest);
        });
        return { status: 201, body: { objects } };
      } catch (error) {
        if (error instanceof IntercomFailure) return error.response;
        throw error;
      }
    },
  };
}

function isBrowser(req: SandboxRequest): boolean {
  return !header(req.headers, "authorization") && (header(req.headers, "accept") ?? "").includes("text/html");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
