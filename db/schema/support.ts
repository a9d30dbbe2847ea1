import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, bigint } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { events } from "./events";

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
    metadata: jsonb("metadata"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("support_tickets_request_id_idx").on(t.requestId),
    uniqueIndex("support_tickets_reference_idx").on(t.reference),
    index("support_tickets_customer_id_idx").on(t.customerId),
    index("support_tickets_app_user_id_idx").on(t.appUserId),
  ],
);

export type SupportTicket = typeof supportTickets.$inferSelect;
export type NewSupportTicket = typeof supportTickets.$inferInsert;
