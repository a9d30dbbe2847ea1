import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Rate-limit counters shared by every process of the deployment (rate-limiter-flexible's Drizzle store,
 * lib/auth/rate-limit.ts): one row per bucket and source key, its points in the current window and when the
 * window ends. The in-memory limiter is the insurance when the database does not answer.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    points: integer("points").notNull().default(0),
    expire: timestamp("expire", { withTimezone: true }),
  },
  (t) => [index("rate_limits_expire_idx").on(t.expire)],
);

export const bulkReplayStatus = pgEnum("bulk_replay_status", ["queued", "running", "finished", "failed"]);

/**
 * A bulk replay, kept in the database so it survives the instance that started it and shows to every admin:
 * which events it re-queued, when, by whom; progress is read from those events (lib/commands/replay-progress).
 */
export const bulkReplays = pgTable(
  "bulk_replays",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    requestedBy: text("requested_by").notNull(),
    /** What was asked: `{ ids }` or `{ filter }` (the events list's filters), for the console's description. */
    target: jsonb("target").notNull(),
    eventIds: uuid("event_ids").array().notNull().default(sql`'{}'::uuid[]`),
    total: integer("total").notNull().default(0),
    status: bulkReplayStatus("status").notNull().default("queued"),
    /** Why it could not be queued or sent, when status is failed. */
    error: text("error"),
    queuedAt: timestamp("queued_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("bulk_replays_queued_at_idx").on(t.queuedAt)],
);

/**
 * Small named state of the operations loop shared by every instance (a scheduled check's last result and
 * when it ran, an uptime probe's consecutive failures, ...): one JSON value per key.
 */
export const opsState = pgTable("ops_state", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type BulkReplay = typeof bulkReplays.$inferSelect;
export type BulkReplayStatus = (typeof bulkReplayStatus.enumValues)[number];
