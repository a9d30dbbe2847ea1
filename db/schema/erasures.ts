import { sql } from "drizzle-orm";
import { index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { events } from "./events";

export const erasureStatus = pgEnum("erasure_status", ["running", "completed", "failed"]);

/** What one system did for an erasure: the receipt's line (issue 19). */
export type ErasureReceiptLine = {
  /** `hubspot`, `zendesk`, `intercom`, `stripe` or `console` (our own records). */
  system: string;
  /** In words: "Contact permanently deleted (GDPR delete)", "Nothing held", … */
  action: string;
  /** ISO time the system confirmed it. */
  at: string;
  /** The system's own confirmation: the deleted object's id, a request id, … */
  confirmationId?: string | null;
  /** Whether the system held anything about the person. */
  held: boolean;
};

/**
 * One person's erasure (account deletion or a data-erasure request): started by the app's `user.deleted` or by an
 * owner in the console, carried out by its pipeline event (`eventId`, steps `erase-*`), with a receipt per system.
 * `subjectHash` is the sha256 of the app user id: the person is findable by whoever knows the id, by nobody else.
 */
export const erasures = pgTable(
  "erasures",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    subjectHash: text("subject_hash").notNull(),
    /** The tombstone left in customers (null when we never held a customer for the person). */
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "set null" }),
    eventId: uuid("event_id").references(() => events.id, { onDelete: "set null" }),
    status: erasureStatus("status").notNull().default("running"),
    /** `app` (the app's user.deleted) or the console user's email who confirmed it. */
    requestedBy: text("requested_by").notNull(),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    reason: text("reason"),
    /** `now` or `period_end` (ERASURE_STRIPE_CANCEL at the time it started). */
    stripeCancel: text("stripe_cancel").notNull().default("now"),
    receipt: jsonb("receipt").$type<ErasureReceiptLine[]>().notNull().default(sql`'[]'::jsonb`),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("erasures_subject_hash_idx").on(t.subjectHash),
    index("erasures_requested_at_idx").on(t.requestedAt),
    // One erasure per pipeline event: a retried or replayed user.deleted finds the one it started.
    uniqueIndex("erasures_event_id_idx").on(t.eventId),
  ],
);

/**
 * Every identifier an erased person was known by, hashed (`sha256("<kind>:<value>")`, kind one of `app`, `stripe`,
 * `email`, `hubspot`, `zendesk`, `intercom`): a later event naming any of them is stored as `ignored` and never
 * recreates the person; backfill and import skip them.
 */
export const erasedSubjects = pgTable("erased_subjects", {
  hash: text("hash").primaryKey(),
  erasureId: uuid("erasure_id")
    .notNull()
    .references(() => erasures.id, { onDelete: "cascade" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Erasure = typeof erasures.$inferSelect;
export type NewErasure = typeof erasures.$inferInsert;
