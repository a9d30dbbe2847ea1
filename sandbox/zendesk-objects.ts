// Zendesk Support object shapes (users, tickets, comments), its error bodies, and its event webhooks.
import { createHmac, randomUUID } from "node:crypto";
import type { SandboxResponse } from "./http";
import { isEmail, isRecord, isoNow } from "./util";

export type ZUser = Record<string, unknown> & {
  id: number;
  email: string | null;
  name: string;
  external_id: string | null;
};
export type ZTicket = Record<string, unknown> & { id: number; external_id: string | null; requester_id: number };
export type ZComment = {
  id: number;
  type: "Comment";
  author_id: number;
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  created_at: string;
  via?: { channel: string; source: Record<string, unknown> };
};

/** A notification Zendesk sent to an end user (here: the "request received" acknowledgement). */
export type ZNotification = {
  id: number;
  kind: "request_received";
  ticket_id: number;
  user_id: number;
  to: string | null;
  comment_id: number;
  at: string;
};

/** A webhook the sandbox sent (or tried to): status null while under way, error when it could not be sent. */
export type ZWebhookDelivery = {
  id: string;
  type: string;
  ticketId: number;
  url: string;
  status: number | null;
  error?: string;
  at: string;
};

/** The webhook signing secret the sandbox uses unless configured (the console's demo ZENDESK_WEBHOOK_SECRET). */
export const ZENDESK_SANDBOX_WEBHOOK_SECRET = "zdsec_demo_sandbox_secret_0123";
export const ZENDESK_SANDBOX_ACCOUNT_ID = 90001;

/** Zendesk's webhook signature: base64(HMAC-SHA256(secret, timestamp + body)). */
export function zendeskWebhookSignature(secret: string, timestamp: string, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}${body}`).digest("base64");
}

/** A `zen:event-type:ticket.status_changed` event as Zendesk's event-subscribed webhooks send it. */
export function ticketStatusChangedEvent(ticket: ZTicket, previous: string, time: string) {
  const up = (s: unknown) => String(s).toUpperCase();
  const id = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: randomUUID(),
    type: "zen:event-type:ticket.status_changed",
    account_id: ZENDESK_SANDBOX_ACCOUNT_ID,
    time,
    zendesk_event_version: "2022-11-06",
    subject: `zen:ticket:${ticket.id}`,
    detail: {
      id: String(ticket.id),
      actor_id: "1000",
      assignee_id: id(ticket.assignee_id),
      brand_id: id(ticket.brand_id),
      created_at: ticket.created_at,
      description: ticket.description,
      external_id: ticket.external_id,
      group_id: id(ticket.group_id),
      is_public: ticket.is_public,
      organization_id: id(ticket.organization_id),
      priority: ticket.priority ? up(ticket.priority) : null,
      requester_id: String(ticket.requester_id),
      status: up(ticket.status),
      subject: ticket.subject,
      submitter_id: id(ticket.submitter_id),
      tags: ticket.tags,
      type: ticket.type ? up(ticket.type) : null,
      updated_at: ticket.updated_at,
      via: { channel: "web_service" },
    },
    event: { current: up(ticket.status), previous: up(previous) },
  };
}

export class ZendeskError extends Error {
  constructor(public response: SandboxResponse) {
    super(JSON.stringify(response.body));
  }
}

export function zendeskError(
  status: number,
  error: string,
  description?: string,
  details?: Record<string, unknown>,
): SandboxResponse {
  return { status, body: { error, ...(description ? { description } : {}), ...(details ? { details } : {}) } };
}

/** 422 RecordInvalid with one field error, as Zendesk reports validation failures. */
export function invalid(field: string, description: string, error = "InvalidValue"): ZendeskError {
  return new ZendeskError(
    zendeskError(422, "RecordInvalid", "Record validation errors", { [field]: [{ description, error }] }),
  );
}

export function buildUser(base: string, id: number, input: Record<string, unknown>, role = "end-user"): ZUser {
  const now = isoNow();
  return {
    id,
    url: `${base}/api/v2/users/${id}.json`,
    name: String(input.name),
    email: typeof input.email === "string" ? input.email.toLowerCase() : null,
    created_at: now,
    updated_at: now,
    time_zone: "Etc/UTC",
    iana_time_zone: "Etc/UTC",
    phone: typeof input.phone === "string" ? input.phone : null,
    photo: null,
    locale_id: 1,
    locale: "en-US",
    organization_id: null,
    role,
    verified: role !== "end-user",
    external_id: input.external_id === undefined || input.external_id === null ? null : String(input.external_id),
    tags: normalizeTags(input.tags),
    alias: null,
    active: true,
    shared: false,
    last_login_at: null,
    two_factor_auth_enabled: false,
    signature: null,
    details: "",
    notes: "",
    role_type: null,
    custom_role_id: null,
    moderator: role !== "end-user",
    ticket_restriction: role === "end-user" ? "requested" : null,
    only_private_comments: false,
    restricted_agent: role === "end-user",
    suspended: false,
    user_fields: isRecord(input.user_fields) ? input.user_fields : {},
  };
}

/** Applies the writable user fields of a create_or_update/update body. */
export function updateUser(user: ZUser, input: Record<string, unknown>): ZUser {
  const next: ZUser = { ...user, updated_at: isoNow() };
  if (typeof input.name === "string" && input.name) next.name = input.name;
  if (typeof input.email === "string") next.email = input.email.toLowerCase();
  if (input.external_id !== undefined) next.external_id = input.external_id === null ? null : String(input.external_id);
  if (typeof input.phone === "string") next.phone = input.phone;
  if (input.tags !== undefined) next.tags = normalizeTags(input.tags);
  if (isRecord(input.user_fields))
    next.user_fields = { ...(user.user_fields as Record<string, unknown>), ...input.user_fields };
  return next;
}

export function checkUserInput(input: Record<string, unknown>, creating: boolean): void {
  if (creating && (typeof input.name !== "string" || input.name.trim() === "")) {
    throw invalid("name", "Name:  is too short (minimum one character)");
  }
  if (input.email !== undefined && (typeof input.email !== "string" || !isEmail(input.email))) {
    throw invalid("email", `Email: ${String(input.email)} is not properly formatted`);
  }
}

/** Zendesk tags are lower-case single words: spaces become underscores, duplicates go. */
export function normalizeTags(input: unknown): string[] {
  const list = Array.isArray(input) ? input : typeof input === "string" ? input.split(/[\s,]+/) : [];
  const tags = list.map((t) => String(t).trim().toLowerCase().replace(/\s+/g, "_")).filter(Boolean);
  return [...new Set(tags)];
}

const PRIORITIES = ["low", "normal", "high", "urgent"];
const TYPES = ["problem", "incident", "question", "task"];
const STATUSES = ["new", "open", "pending", "hold", "solved", "closed"];

/** Checks the enumerated ticket fields; throws the 422 Zendesk answers. */
export function checkTicketFields(t: Record<string, unknown>): void {
  if (t.priority != null && !PRIORITIES.includes(String(t.priority)))
    throw invalid("priority", `Priority: ${t.priority} is not valid`);
  if (t.type != null && !TYPES.includes(String(t.type))) throw invalid("type", `Type: ${t.type} is not valid`);
  if (t.status != null && !STATUSES.includes(String(t.status)))
    throw invalid("status", `Status: ${t.status} is not valid`);
}

export function buildTicket(
  base: string,
  id: number,
  t: Record<string, unknown>,
  requesterId: number,
  submitterId: number,
  description: string,
): ZTicket {
  const now = isoNow();
  const customFields = Array.isArray(t.custom_fields)
    ? t.custom_fields.filter(isRecord).map((f) => ({ id: Number(f.id), value: f.value ?? null }))
    : [];
  return {
    url: `${base}/api/v2/tickets/${id}.json`,
    id,
    external_id: t.external_id === undefined || t.external_id === null ? null : String(t.external_id),
    via: { channel: "api", source: { from: {}, to: {}, rel: null } },
    created_at: now,
    updated_at: now,
    generated_timestamp: Math.floor(Date.now() / 1000),
    type: t.type ?? null,
    subject: typeof t.subject === "string" ? t.subject : null,
    raw_subject: typeof t.subject === "string" ? t.subject : null,
    description,
    priority: t.priority ?? null,
    status: typeof t.status === "string" ? t.status : "new",
    recipient: null,
    requester_id: requesterId,
    submitter_id: submitterId,
    assignee_id: null,
    organization_id: null,
    group_id: null,
    collaborator_ids: [],
    follower_ids: [],
    email_cc_ids: [],
    forum_topic_id: null,
    problem_id: null,
    has_incidents: false,
    is_public: true,
    due_at: null,
    tags: normalizeTags(t.tags),
    custom_fields: customFields,
    satisfaction_rating: null,
    sharing_agreement_ids: [],
    custom_status_id: 1,
    encoded_id: `SBX-${id}`,
    fields: customFields,
    followup_ids: [],
    ticket_form_id: null,
    brand_id: null,
    allow_channelback: false,
    allow_attachments: true,
    from_messaging_channel: false,
  };
}

/** The text of a comment input ({ body } or { html_body }), or "" when blank. */
export function commentText(comment: unknown): string {
  if (typeof comment === "string") return comment;
  if (!isRecord(comment)) return "";
  const text =
    typeof comment.body === "string" ? comment.body : typeof comment.html_body === "string" ? comment.html_body : "";
  return text.trim() === "" ? "" : text;
}
