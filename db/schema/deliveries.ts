import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";

/**
 * Webhook deliveries we refused (bad or missing signature, stale or future timestamp, malformed, too large,
 * wrong content type, rate-limited): when, where, why, from whom, how big, a hash of the body and the event id
 * if it parsed; never the body of an unverified request. Under a flood, refusals of one route and reason are
 * counted into one row per minute (`aggregate_key`) instead of a row each.
 */
export const rejectedDeliveries = pgTable(
  "rejected_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** `stripe` or `app` (the webhook route). */
    route: text("route").notNull(),
    /** A stable code: bad_signature, missing_signature, stale_timestamp, future_timestamp, malformed_body, … */
    reason: text("reason").notNull(),
    /** The HTTP status we answered. */
    status: integer("status").notNull(),
    clientAddress: text("client_address"),
    sizeBytes: integer("size_bytes"),
    bodySha256: text("body_sha256"),
    /** The event id the body names, when it parsed (unverified: a hint, not a fact). */
    sourceEventId: text("source_event_id"),
    /** How many refusals this row stands for (1, or a minute's count under a flood). */
    count: integer("count").notNull().default(1),
    /** Set on aggregate rows: route, reason and minute; one row per key. */
    aggregateKey: text("aggregate_key"),
    firstAt: timestamp("first_at", { withTimezone: true }).notNull().defaultNow(),
    lastAt: timestamp("last_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("rejected_deliveries_last_at_idx").on(t.lastAt),
    index("rejected_deliveries_route_reason_last_at_idx").on(t.route, t.reason, t.lastAt),
    uniqueIndex("rejected_deliveries_aggregate_key_idx").on(t.aggregateKey).where(sql`${t.aggregateKey} is not null`),
  ],
);

/**
 * Where a long-running reader of a provider stopped, so it resumes instead of starting over: the Stripe
 * events backfill (a `created` cursor), the adoption import (a list cursor and progress).
 */
export const syncCursors = pgTable("sync_cursors", {
  name: text("name").primaryKey(),
  cursor: jsonb("cursor"),
  /** Set while a run holds it (with a lease), so two processes never run it at once. */
  runningSince: timestamp("running_since", { withTimezone: true }),
  lastRunAt: timestamp("last_run_at", { withTimezone: true }),
  lastResult: jsonb("last_result"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type RejectedDelivery = typeof rejectedDeliveries.$inferSelect;
export type NewRejectedDelivery = typeof rejectedDeliveries.$inferInsert;
export type SyncCursor = typeof syncCursors.$inferSelect;

/**
 * Drift: a difference between what the console holds and what a system says now (the entitlement against
 * Stripe's current subscription, a managed HubSpot property against the projection, the Zendesk requester's
 * external id). One open row per (customer, system, field), with since when; resolved when it matches again
 * or is repaired.
 */
export const driftFindings = pgTable(
  "drift_findings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    /** `stripe`, `hubspot` or `zendesk`. */
    system: text("system").notNull(),
    /** What differs, e.g. `entitlement.status`, `app_plan`, `external_id`. */
    field: text("field").notNull(),
    expected: text("expected"),
    actual: text("actual"),
    detectedAt: timestamp("detected_at", { withTimezone: true }).notNull().defaultNow(),
    lastCheckedAt: timestamp("last_checked_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    /** `matched` (found equal again), `repaired` (by whom in the audit log). */
    resolution: text("resolution"),
  },
  (t) => [
    uniqueIndex("drift_findings_open_idx").on(t.customerId, t.system, t.field).where(sql`${t.resolvedAt} is null`),
    index("drift_findings_detected_at_idx").on(t.detectedAt),
  ],
);

export type DriftFinding = typeof driftFindings.$inferSelect;
