// Which handler processes which event type; everything else is stored and marked `ignored`.
import { chargeDisputeClosed, chargeDisputeCreated, chargeRefunded } from "../handlers/stripe/charge-events";
import { checkoutAsyncPaymentFailed } from "../handlers/stripe/checkout-async-payment-failed";
import { checkoutSessionCompleted } from "../handlers/stripe/checkout-session-completed";
import { customerDeleted } from "../handlers/stripe/customer-deleted";
import { IMPORTED_CUSTOMER_TYPE, stripeCustomerImported } from "../handlers/stripe/customer-imported";
import { invoicePaid } from "../handlers/stripe/invoice-paid";
import { invoicePaymentFailed } from "../handlers/stripe/invoice-payment-failed";
import { paymentIntentSucceeded } from "../handlers/stripe/payment-intent-succeeded";
import { subscriptionChanged } from "../handlers/stripe/subscription-changed";
import { supportRequested } from "../handlers/app/support-requested";
import { userDeleted } from "../handlers/app/user-deleted";
import { userSignedUp } from "../handlers/app/user-signed-up";
import { userUpdated } from "../handlers/app/user-updated";
import { intercomConversationStatus } from "../handlers/support/intercom-conversation-status";
import { zendeskTicketStatusChanged } from "../handlers/support/zendesk-ticket-status";
import type { EventSource } from "@/db/schema";
import type { Handler } from "./types";

type AnyHandler = Handler<never>;

const HANDLERS: Record<EventSource, Record<string, AnyHandler>> = {
  stripe: {
    "checkout.session.completed": checkoutSessionCompleted as AnyHandler,
    "checkout.session.async_payment_succeeded": checkoutSessionCompleted as AnyHandler,
    "checkout.session.async_payment_failed": checkoutAsyncPaymentFailed as AnyHandler,
    "payment_intent.succeeded": paymentIntentSucceeded as AnyHandler,
    "invoice.paid": invoicePaid as AnyHandler,
    "invoice.payment_failed": invoicePaymentFailed as AnyHandler,
    "customer.subscription.created": subscriptionChanged as AnyHandler,
    "customer.subscription.updated": subscriptionChanged as AnyHandler,
    "customer.subscription.deleted": subscriptionChanged as AnyHandler,
    "customer.subscription.trial_will_end": subscriptionChanged as AnyHandler,
    "customer.deleted": customerDeleted as AnyHandler,
    "charge.refunded": chargeRefunded as AnyHandler,
    "charge.dispute.created": chargeDisputeCreated as AnyHandler,
    "charge.dispute.closed": chargeDisputeClosed as AnyHandler,
    // Ours, not Stripe's: made by the adoption import (never asked of Stripe's events API).
    [IMPORTED_CUSTOMER_TYPE]: stripeCustomerImported as AnyHandler,
  },
  app: {
    "user.signed_up": userSignedUp as AnyHandler,
    "user.updated": userUpdated as AnyHandler,
    "support.requested": supportRequested as AnyHandler,
    "user.deleted": userDeleted as AnyHandler,
  },
  // The support tools' webhooks: a ticket's status coming back (issue 14).
  zendesk: {
    "ticket.status_changed": zendeskTicketStatusChanged as AnyHandler,
  },
  intercom: {
    "conversation.admin.closed": intercomConversationStatus as AnyHandler,
    "conversation.admin.opened": intercomConversationStatus as AnyHandler,
    "conversation.admin.snoozed": intercomConversationStatus as AnyHandler,
  },
};

export function getHandler(source: EventSource, type: string): Handler<unknown> | undefined {
  return Object.hasOwn(HANDLERS[source], type) ? (HANDLERS[source][type] as Handler<unknown>) : undefined;
}

export function hasHandler(source: EventSource, type: string): boolean {
  return getHandler(source, type) !== undefined;
}

/** The serialisation key of an event (one customer's events run one at a time), or null. */
export function customerKeyOf(source: EventSource, type: string, rawBody: string | null): string | null {
  if (!rawBody || !hasHandler(source, type)) return null;
  try {
    return customerKeyOfPayload(source, type, JSON.parse(rawBody));
  } catch {
    return null;
  }
}

/**
 * customerKeyOf for a body the caller has parsed already (a webhook route: the key is stored at ingest). A
 * Stripe object that names our app user (`client_reference_id`, `metadata.app_user_id`) is that user's
 * (`app:<id>`), as identity resolution decides: a checkout then queues with the signup and profile changes
 * of its user even before the Stripe customer is linked (one key per customer, whichever source).
 */
export function customerKeyOfPayload(source: EventSource, type: string, payload: unknown): string | null {
  const handler = getHandler(source, type);
  if (!handler) return null;
  try {
    const appUser = source === "stripe" ? appUserNamedBy(payload) : undefined;
    return appUser ? `app:${appUser}` : handler.customerKey(payload);
  } catch {
    return null;
  }
}

function appUserNamedBy(payload: unknown): string | undefined {
  const object = (payload as { data?: { object?: Record<string, unknown> } } | null)?.data?.object;
  const named = (object?.metadata as Record<string, unknown> | undefined)?.app_user_id ?? object?.client_reference_id;
  return typeof named === "string" && named ? named : undefined;
}

/** The event types with a handler, as the sources name them (Stripe's own types only: no import events). */
export const HANDLED_TYPES = {
  stripe: Object.keys(HANDLERS.stripe).filter((t) => t !== IMPORTED_CUSTOMER_TYPE),
  app: Object.keys(HANDLERS.app),
  zendesk: Object.keys(HANDLERS.zendesk),
  intercom: Object.keys(HANDLERS.intercom),
};
