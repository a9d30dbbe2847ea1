import { index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { events } from "./events";

export const alertKind = pgEnum("alert_kind", ["billing", "ops"]);
export const alertStatus = pgEnum("alert_status", ["open", "acknowledged", "resolved"]);
export const alertSeverity = pgEnum("alert_severity", ["info", "warning", "critical"]);

/** Billing alerts (a failed payment, a dispute) and ops alerts (a broken flow), one per dedupe key. */
export const alerts = pgTable(
  "alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: alertKind("kind").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    status: alertStatus("status").notNull().default("open"),
    severity: alertSeverity("severity").notNull().default("warning"),
    title: text("title").notNull(),
    message: text("message"),
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "set null" }),
    eventId: uuid("event_id").references(() => events.id, { onDelete: "set null" }),
    details: jsonb("details"),
    openedAt: timestamp("opened_at", { withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    acknowledgedBy: text("acknowledged_by"),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    notifiedOpenAt: timestamp("notified_open_at", { withTimezone: true }),
    notifiedResolveAt: timestamp("notified_resolve_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("alerts_kind_dedupe_key_idx").on(t.kind, t.dedupeKey),
    index("alerts_status_opened_at_idx").on(t.status, t.openedAt),
    index("alerts_customer_id_idx").on(t.customerId),
  ],
);

export type Alert = typeof alerts.$inferSelect;
export type NewAlert = typeof alerts.$inferInsert;
