import {
  boolean,
  index,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  bigint,
} from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { events } from "./events";

export const supportProvider = pgEnum("support_provider", ["zendesk", "intercom"]);
/**
 * Where a request stands, in one vocabulary for both tools: `received` (no ticket yet), then the tool's
 * own status mapped (Zendesk new/open → open, pending, hold → on_hold, solved, closed; Intercom open,
 * snoozed → pending, closed).
 */
export const ticketStatus = pgEnum("ticket_status", ["received", "open", "pending", "on_hold", "solved", "closed"]);
export type TicketStatus = (typeof ticketStatus.enumValues)[number];

/** A support request from the app: our reference is handed out at ingest, the Zendesk id later. */
export const supportTickets = pgTable(
  "support_tickets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reference: text("reference").notNull(),
    requestId: text("request_id").notNull(),
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "set null" }),
    eventId: uuid("event_id").references(() => events.id, { onDelete: "set null" }),
    appUserId: text("app_user_id"),
    email: text("email"),
    subject: text("subject"),
    zendeskTicketId: bigint("zendesk_ticket_id", { mode: "number" }),
    /** The support tool the ticket went to (SUPPORT_PROVIDER when it was created). */
    provider: supportProvider("provider").notNull().default("zendesk"),
    /** Intercom's conversation id when the provider is Intercom. */
    intercomConversationId: text("intercom_conversation_id"),
    status: ticketStatus("status").notNull().default("received"),
    /** The support tool's time of the status we hold: an older webhook never overwrites a newer status. */
    statusChangedAt: timestamp("status_changed_at", { withTimezone: true }),
    /** When the support tool acknowledged the request to the requester (the public first comment is theirs). */
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    metadata: jsonb("metadata"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("support_tickets_request_id_idx").on(t.requestId),
    uniqueIndex("support_tickets_reference_idx").on(t.reference),
    index("support_tickets_customer_id_idx").on(t.customerId),
    index("support_tickets_app_user_id_idx").on(t.appUserId),
    index("support_tickets_zendesk_ticket_id_idx").on(t.zendeskTicketId),
    uniqueIndex("support_tickets_intercom_conversation_id_idx").on(t.intercomConversationId),
  ],
);

export type SupportTicket = typeof supportTickets.$inferSelect;
export type NewSupportTicket = typeof supportTickets.$inferInsert;

export const recoveryKind = pgEnum("recovery_kind", ["card_update_link", "retry_payment", "resend_receipt"]);

/**
 * A recovery action taken from the console or the admin API for one customer: what, for which Stripe
 * object, by whom, and what came of it. `idempotency_key` makes a double click or a retried request one
 * action (kind + object + a short window).
 */
export const recoveryActions = pgTable(
  "recovery_actions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    kind: recoveryKind("kind").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    /** The Stripe invoice or charge it acted on. */
    stripeObjectId: text("stripe_object_id"),
    /** pending → succeeded | failed. */
    status: text("status").notNull().default("pending"),
    /** Where it went: the support ticket/conversation id, the paid invoice, the receipt's charge. */
    externalRef: text("external_ref"),
    sent: boolean("sent").notNull().default(false),
    result: jsonb("result"),
    error: text("error"),
    actor: text("actor").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("recovery_actions_idempotency_key_idx").on(t.idempotencyKey),
    index("recovery_actions_customer_id_idx").on(t.customerId, t.createdAt),
  ],
);

export type RecoveryAction = typeof recoveryActions.$inferSelect;
