// Shapes of Zendesk's event-subscribed webhooks (Admin Center → Webhooks, "Zendesk events"): an envelope
// `{ id, type: "zen:event-type:…", account_id, time, zendesk_event_version, subject, detail, event }`.
// We handle `ticket.status_changed`; other event types are stored and marked ignored. Every bad field is named.
import { z } from "zod";
import type { TicketStatus } from "@/db/schema";
import { formatIssues } from "@/lib/schemas/issues";

export const ZENDESK_EVENT_PREFIX = "zen:event-type:";

/** Zendesk's ticket statuses, as its events spell them (upper case). */
export const ZENDESK_STATUSES = ["NEW", "OPEN", "PENDING", "HOLD", "SOLVED", "CLOSED"] as const;
export type ZendeskStatus = (typeof ZENDESK_STATUSES)[number];

/** Zendesk's status in our words: a new ticket is open to us (it is in Zendesk), hold is on_hold. */
export const STATUS_OF: Record<ZendeskStatus, TicketStatus> = {
  NEW: "open",
  OPEN: "open",
  PENDING: "pending",
  HOLD: "on_hold",
  SOLVED: "solved",
  CLOSED: "closed",
};

const status = z.preprocess((v) => (typeof v === "string" ? v.toUpperCase() : v), z.enum(ZENDESK_STATUSES));
const ticketId = z.union([z.string().regex(/^\d{1,18}$/, "must be a ticket id (digits)"), z.number().int().positive()]);

export const zendeskEnvelope = z.object({
  id: z.string().trim().min(1).max(200),
  type: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine((t) => t.startsWith(ZENDESK_EVENT_PREFIX), `must start with "${ZENDESK_EVENT_PREFIX}"`),
  time: z.iso.datetime({ offset: true }),
  account_id: z.union([z.number(), z.string()]).optional(),
  zendesk_event_version: z.string().max(50).optional(),
  subject: z.string().max(200).optional(),
  detail: z.unknown().optional(),
  event: z.unknown().optional(),
});

export const ticketStatusChanged = {
  detail: z.looseObject({ id: ticketId }),
  event: z.looseObject({ current: status, previous: status.optional() }),
};

export type ZendeskTicketStatusChanged = {
  id: string;
  type: `${typeof ZENDESK_EVENT_PREFIX}ticket.status_changed`;
  time: string;
  subject?: string;
  detail: { id: string | number } & Record<string, unknown>;
  event: { current: ZendeskStatus; previous?: ZendeskStatus };
};

/** Our event type: Zendesk's without the `zen:event-type:` prefix (ticket.status_changed). */
export const ourZendeskType = (type: string) =>
  type.startsWith(ZENDESK_EVENT_PREFIX) ? type.slice(ZENDESK_EVENT_PREFIX.length) : type;

export type ParsedZendeskEvent =
  | { known: true; event: ZendeskTicketStatusChanged; type: "ticket.status_changed" }
  | { known: false; event: z.infer<typeof zendeskEnvelope>; type: string };

export function parseZendeskEvent(
  json: unknown,
): { ok: true; value: ParsedZendeskEvent } | { ok: false; error: string } {
  const envelope = zendeskEnvelope.safeParse(json);
  if (!envelope.success) return { ok: false, error: formatIssues(envelope.error, { root: "body" }) };
  const e = envelope.data;
  const type = ourZendeskType(e.type);
  if (type !== "ticket.status_changed") return { ok: true, value: { known: false, event: e, type } };
  const detail = ticketStatusChanged.detail.safeParse(e.detail);
  if (!detail.success) return { ok: false, error: formatIssues(detail.error, { root: "detail", at: ["detail"] }) };
  const change = ticketStatusChanged.event.safeParse(e.event);
  if (!change.success) return { ok: false, error: formatIssues(change.error, { root: "event", at: ["event"] }) };
  return {
    ok: true,
    value: {
      known: true,
      type,
      event: { ...e, detail: detail.data, event: change.data } as ZendeskTicketStatusChanged,
    },
  };
}

/** The Zendesk ticket id an event is about: `detail.id`, or the number in `subject` (zen:ticket:123). */
export function zendeskTicketIdOf(e: { detail: { id: string | number }; subject?: string }): number {
  const fromDetail = Number(e.detail.id);
  if (Number.isSafeInteger(fromDetail) && fromDetail > 0) return fromDetail;
  return Number(/^zen:ticket:(\d+)$/.exec(e.subject ?? "")?.[1]);
}
