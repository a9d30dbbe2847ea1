import { boolean, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";

export const entitlementStatus = pgEnum("entitlement_status", [
  "none",
  "incomplete",
  "trialing",
  "active",
  "past_due",
  "canceled",
]);

/** What the customer may use; money facts come from Stripe, applied only when newer. */
export const entitlements = pgTable("entitlements", {
  customerId: uuid("customer_id")
    .primaryKey()
    .references(() => customers.id, { onDelete: "cascade" }),
  plan: text("plan"),
  status: entitlementStatus("status").notNull().default("none"),
  currentPeriodEnd: timestamp("current_period_end", { withTimezone: true }),
  cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
  stripeSubscriptionId: text("stripe_subscription_id"),
  /** The one-time payment (PaymentIntent) that granted access, when it came from a payment, not a subscription. */
  stripePaymentIntentId: text("stripe_payment_intent_id"),
  /** A dispute is open on the payment behind this access (flagged; a lost dispute removes access). */
  disputedAt: timestamp("disputed_at", { withTimezone: true }),
  /** Timestamp of the Stripe event/object version last applied: older ones are ignored. */
  sourceUpdatedAt: timestamp("source_updated_at", { withTimezone: true }),
  sourceEventId: text("source_event_id"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Entitlement = typeof entitlements.$inferSelect;
export type NewEntitlement = typeof entitlements.$inferInsert;
