import { sql } from "drizzle-orm";
import { boolean, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const identitySystem = pgEnum("identity_system", ["app", "stripe", "hubspot", "zendesk", "intercom"]);
export const identityMatch = pgEnum("identity_match", ["id", "email", "manual"]);

/**
 * The canonical customer: one per app user, the source of truth for identity. A payer the app has not
 * announced yet is a *provisional* customer keyed `stripe:<Stripe customer id>` until an app user claims it
 * (the app user id replaces the key, or the provisional customer is merged into the app user's).
 */
export const customers = pgTable(
  "customers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    appUserId: text("app_user_id").notNull(),
    email: text("email"),
    name: text("name"),
    /** Whether the app says the email is verified (null: the app never said). */
    emailVerified: boolean("email_verified"),
    signedUpAt: timestamp("signed_up_at", { withTimezone: true }),
    /** Time (per the app) of the profile change last applied: an older change never overwrites a newer one. */
    profileUpdatedAt: timestamp("profile_updated_at", { withTimezone: true }),
    /** Per-field recency (per the app's event time): a field is only written by an event newer than its last. */
    emailUpdatedAt: timestamp("email_updated_at", { withTimezone: true }),
    nameUpdatedAt: timestamp("name_updated_at", { withTimezone: true }),
    emailVerifiedUpdatedAt: timestamp("email_verified_updated_at", { withTimezone: true }),
    /** A payer the app has not announced yet (keyed by the Stripe customer): no app user behind it. */
    provisional: boolean("provisional").notNull().default(false),
    /** An app user whose unverified email matches this provisional customer: the claim waits for the founder. */
    pendingClaimAppUserId: text("pending_claim_app_user_id"),
    pendingClaimAt: timestamp("pending_claim_at", { withTimezone: true }),
    /** Set when the person was erased (issue 19): the row is a tombstone (app user id hashed, no email or name). */
    erasedAt: timestamp("erased_at", { withTimezone: true }),
    /** `app` or the console user who confirmed the erasure. */
    erasedBy: text("erased_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("customers_app_user_id_idx").on(t.appUserId),
    index("customers_email_idx").on(sql`lower(${t.email})`),
    index("customers_created_at_idx").on(t.createdAt),
    index("customers_pending_claim_idx").on(t.pendingClaimAppUserId).where(sql`${t.pendingClaimAppUserId} is not null`),
  ],
);

/** One row per external id of a customer in each system, and how the link was made. */
export const identities = pgTable(
  "identities",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    system: identitySystem("system").notNull(),
    externalId: text("external_id").notNull(),
    matchedBy: identityMatch("matched_by").notNull(),
    verified: boolean("verified").notNull().default(true),
    lastSyncedAt: timestamp("last_synced_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("identities_system_external_id_idx").on(t.system, t.externalId),
    uniqueIndex("identities_customer_id_system_idx").on(t.customerId, t.system),
  ],
);

export type Customer = typeof customers.$inferSelect;
export type NewCustomer = typeof customers.$inferInsert;
export type Identity = typeof identities.$inferSelect;
export type NewIdentity = typeof identities.$inferInsert;
