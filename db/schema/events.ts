import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";

/** Who sent the webhook: Stripe, the app, or the support tool (ticket status coming back). */
export const eventSource = pgEnum("event_source", ["stripe", "app", "zendesk", "intercom"]);
export type EventSource = (typeof eventSource.enumValues)[number];
export const eventStatus = pgEnum("event_status", ["received", "processing", "succeeded", "failed", "ignored"]);
export const stepStatus = pgEnum("step_status", ["pending", "running", "succeeded", "failed", "skipped"]);
/** How an event reached us: its webhook, Stripe's events API (a delivery we missed), or the adoption import. */
export const eventArrival = pgEnum("event_arrival", ["webhook", "backfill", "import"]);

/** Every webhook delivery we accepted, stored once per (source, external id): the outbox. */
export const events = pgTable(
  "events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    source: eventSource("source").notNull(),
    externalId: text("external_id").notNull(),
    type: text("type").notNull(),
    status: eventStatus("status").notNull().default("received"),
    /** The body exactly as received (text: no JSONB parse on the hot path). */
    rawBody: text("raw_body"),
    correlationId: text("correlation_id").notNull(),
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "set null" }),
    /** When the source says the event happened (Stripe `created`, app `created`). */
    occurredAt: timestamp("occurred_at", { withTimezone: true }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    /** `step: service status: message` of the failure, as text (logs, the admin API). */
    lastError: text("last_error"),
    /** The step it stopped at when it failed (its event_steps row holds the error's fields); null otherwise. */
    failedStep: text("failed_step"),
    redactedAt: timestamp("redacted_at", { withTimezone: true }),
    /** `backfill`: found by reading Stripe's events API, i.e. a webhook delivery that never reached us. */
    arrivedVia: eventArrival("arrived_via").notNull().default("webhook"),
    /**
     * The handler's serialisation key (`app:<user id>`, `stripe:<customer id>`), stored at ingest: one customer's
     * events run one at a time and in order across every instance (the claim waits for an earlier one). Null: none.
     */
    customerKey: text("customer_key"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("events_source_external_id_idx").on(t.source, t.externalId),
    // The default list order (newest first, ties by id): with id in the index, a deep page's rows are
    // skipped by an index-only scan instead of a heap fetch and a sort per skipped row.
    index("events_received_at_id_idx").on(t.receivedAt, t.id),
    index("events_status_received_at_idx").on(t.status, t.receivedAt),
    index("events_type_received_at_idx").on(t.type, t.receivedAt),
    // The console's "failed invoice.paid events" list and the bulk-replay count of that filter.
    index("events_status_type_received_at_idx").on(t.status, t.type, t.receivedAt),
    index("events_customer_id_received_at_idx").on(t.customerId, t.receivedAt),
    // "Find anything": an event by the correlation id a log line or an outbound request carried.
    index("events_correlation_id_idx").on(t.correlationId),
    // The claim's "is an earlier event of this customer still to run?" (only unfinished rows are indexed).
    index("events_customer_key_pending_idx")
      .on(t.customerKey, t.receivedAt)
      .where(sql`${t.customerKey} is not null and ${t.status} in ('received', 'processing')`),
    index("events_arrived_via_received_at_idx").on(t.arrivedVia, t.receivedAt).where(sql`${t.arrivedVia} <> 'webhook'`),
  ],
);

/** One row per named pipeline step of an event: what ran, how often, what failed, what it made. */
export const eventSteps = pgTable(
  "event_steps",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    step: text("step").notNull(),
    status: stepStatus("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** The whole error as one readable line: `hubspot 400: message`. */
    lastError: text("last_error"),
    /** Who answered with the error: hubspot, zendesk, stripe, alerts, database; null for our own code. */
    errorService: text("error_service"),
    /** HTTP status the service answered with, when the error came from a service. */
    errorStatus: integer("error_status"),
    /** The service's code when it gives one (HubSpot PROPERTY_DOESNT_EXIST, Zendesk RecordInvalid, Stripe resource_missing, SQLSTATE). */
    errorCode: text("error_code"),
    /** The service's message alone, without the service and status. */
    errorMessage: text("error_message"),
    externalRef: text("external_ref"),
    output: jsonb("output"),
    /** Every attempt of this step, oldest first (kept across replays): when, how long, outcome, error, who replayed. */
    attemptLog: jsonb("attempt_log").$type<StepAttempt[]>().notNull().default(sql`'[]'::jsonb`),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("event_steps_event_id_step_idx").on(t.eventId, t.step),
    index("event_steps_status_idx").on(t.status),
    index("event_steps_finished_at_idx").on(t.finishedAt),
  ],
);

/** One attempt of a step, as kept in `event_steps.attempt_log`. */
export type StepAttempt = {
  attempt: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: "succeeded" | "failed" | "skipped";
  /** The readable one-line error of a failed attempt. */
  error?: string | null;
  /** Who replayed the event this attempt ran under (a console user's email), when it was a replay. */
  replayedBy?: string | null;
};

export type Event = typeof events.$inferSelect;
export type NewEvent = typeof events.$inferInsert;
export type EventStep = typeof eventSteps.$inferSelect;
export type NewEventStep = typeof eventSteps.$inferInsert;
export type EventStatus = (typeof eventStatus.enumValues)[number];
export type StepStatus = (typeof stepStatus.enumValues)[number];
