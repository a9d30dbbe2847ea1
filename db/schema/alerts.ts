import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
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
    /** The ops rule that raised it (failure-rate, backlog, …); at most one unresolved alert per rule. */
    rule: text("rule"),
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
    /** Set while a notification is being posted, so two workers never post the same one. */
    notifyClaimedAt: timestamp("notify_claimed_at", { withTimezone: true }),
    notifyAttempts: integer("notify_attempts").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("alerts_kind_dedupe_key_idx").on(t.kind, t.dedupeKey),
    index("alerts_status_opened_at_idx").on(t.status, t.openedAt),
    index("alerts_customer_id_idx").on(t.customerId),
    uniqueIndex("alerts_open_rule_idx").on(t.rule).where(sql`${t.status} <> 'resolved'`),
  ],
);

export type Alert = typeof alerts.$inferSelect;
export type NewAlert = typeof alerts.$inferInsert;
