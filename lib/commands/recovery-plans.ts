// What each payment-recovery action does in Stripe, Zendesk or Intercom, planned before the row is claimed
// (a 409 when there is nothing to act on) and run after: the card-update link (a public Zendesk ticket or an
// Intercom email), the retry of the open invoice, the resent receipt. A service failure is an outcome, not a throw.
import { createHash } from "node:crypto";
import type Stripe from "stripe";
import type { Db } from "@/db";
import type { Customer, RecoveryAction } from "@/db/schema";
import { identityOf, linkIdentity } from "@/db/queries/identities";
import { openPaymentProblem, type OpenPaymentProblem, type RecoveryOutcome } from "@/db/queries/recovery-actions";
import { recoveryUrlFor } from "@/lib/billing/recovery-link";
import type { Services } from "@/lib/integrations";
import { IntegrationError } from "@/lib/integrations/errors";
import { classifyStripeError } from "@/lib/integrations/stripe/errors";
import { fail, type OperationError } from "./result";

export const CARD_UPDATE_SUBJECT = "Update your payment method";

export type Services_ = Pick<Services, "stripe" | "zendesk" | "intercom" | "supportProvider">;
export type Plan = { stripeObjectId: string; run: (action: RecoveryAction) => Promise<RecoveryOutcome> };

const SERVICE_LABEL: Record<string, string> = { stripe: "Stripe", zendesk: "Zendesk", intercom: "Intercom" };

/** A service failure as one plain sentence: "Stripe (402): Your card was declined." */
export function plainError(err: unknown, service: "stripe" | "zendesk" | "intercom"): string {
  const e = err instanceof IntegrationError ? err : service === "stripe" ? classifyStripeError(err) : undefined;
  if (!e) return `${SERVICE_LABEL[service]}: ${err instanceof Error ? err.message : String(err)}`;
  return `${SERVICE_LABEL[e.service] ?? e.service}${e.status ? ` (${e.status})` : ""}: ${e.message}`;
}

/** The newest paid charge of a Stripe customer, or null; throws the Stripe error. */
export async function newestPaidCharge(
  stripe: Stripe,
  stripeCustomerId: string,
  opts: Stripe.RequestOptions = {},
): Promise<Stripe.Charge | null> {
  const list = await stripe.charges.list({ customer: stripeCustomerId, limit: 20 }, opts);
  return list.data.find((c) => c.paid && c.status === "succeeded" && !c.refunded) ?? null;
}

export const receiptEmail = (charge: Stripe.Charge, customer: Customer) =>
  charge.receipt_email ?? charge.billing_details?.email ?? customer.email ?? null;

export const NO_OPEN_INVOICE = "No open invoice: no failed payment is waiting to be paid.";
export const NO_PAID_CHARGE = "No paid charge in Stripe for this customer.";
export const NO_REQUESTER = "No support requester email: the customer has no email and no linked Zendesk user.";
export const NO_CONTACT = "No support requester email: the customer has no email and no linked Intercom contact.";
/** Why there is no link to send: the failed invoice has no payment page, or nothing failed; the portal is off either way. */
export const noLink = (problem: OpenPaymentProblem | null) =>
  problem
    ? "Stripe gave the failed invoice no payment page, and the billing portal is off (set BILLING_PORTAL_RETURN_URL)."
    : "No failed payment to fix. Set BILLING_PORTAL_RETURN_URL to send a card-update link at any time.";

export async function planCardUpdateLink(
  db: Db,
  customer: Customer,
  stripeCustomerId: string,
  services: Services_,
  origin: string | undefined,
): Promise<Plan | OperationError> {
  const intercom = services.supportProvider === "intercom";
  const supportId = await identityOf(db, customer.id, intercom ? "intercom" : "zendesk");
  if (!customer.email && !supportId) return fail(409, intercom ? NO_CONTACT : NO_REQUESTER);
  const problem = await openPaymentProblem(db, customer.id);
  const link = recoveryUrlFor(customer.id, problem?.hostedInvoiceUrl ?? null, origin);
  if (!link) return fail(409, noLink(problem));
  if (intercom)
    return {
      stripeObjectId: problem?.invoiceId ?? stripeCustomerId,
      run: (action) => sendCardUpdateThroughIntercom(db, customer, supportId, link, action, services),
    };
  const zendeskId = supportId;
  return {
    stripeObjectId: problem?.invoiceId ?? stripeCustomerId,
    run: async (action) => {
      const base = { provider: "zendesk", email: customer.email, linkKind: link.kind };
      try {
        let requesterId = Number(zendeskId) || undefined;
        if (!requesterId) {
          const made = await services.zendesk.ensureRequester({
            email: customer.email!,
            name: customer.name,
            appUserId: customer.appUserId,
          });
          requesterId = made.id;
          await linkIdentity(db, customer.id, "zendesk", String(made.id), made.matchedBy);
        }
        // Our reference on the ticket: the window's key, so an answer lost to a timeout is found, not re-sent.
        const externalId = `recovery:${action.idempotencyKey}`;
        const ticketId =
          (await services.zendesk.findTicketByReference(externalId)) ??
          (await services.zendesk.sendToRequester({
            requesterId,
            subject: CARD_UPDATE_SUBJECT,
            body: cardUpdateMessage(customer, link),
            idempotencyKey: action.id,
            externalId,
            tags: ["payment_recovery"],
          }));
        // A portal link is a credential for 30 days: the row keeps its kind, not the link itself.
        const result = {
          ...base,
          requesterId,
          ticketId,
          ...(link.kind === "hosted_invoice" ? { link: link.url } : {}),
        };
        return { status: "succeeded", sent: true, externalRef: String(ticketId), result };
      } catch (err) {
        return { status: "failed", error: plainError(err, "zendesk"), result: base };
      }
    },
  };
}

/**
 * The card-update link as an email from the Intercom admin to the customer's contact: the linked one (if
 * Intercom still has it), else ensureContact by app user id / email (and linked). Intercom has no idempotency
 * key, so the body ends with a reference derived from the action's idempotency key (the same for every try in
 * the window, opaque to the customer) and the contact's conversations are searched for it before sending: a
 * retry after a lost answer finds the email instead of sending a second one (IntercomService.findAdminMessage).
 */
async function sendCardUpdateThroughIntercom(
  db: Db,
  customer: Customer,
  linkedContactId: string | undefined,
  link: { url: string; kind: "portal" | "hosted_invoice" },
  action: RecoveryAction,
  services: Services_,
): Promise<RecoveryOutcome> {
  const base = { provider: "intercom", email: customer.email, linkKind: link.kind };
  const intercom = services.intercom;
  try {
    let contact = linkedContactId ? await intercom.getContact(linkedContactId) : undefined;
    if (!contact) {
      if (!customer.email) return { status: "failed", error: NO_CONTACT, result: base };
      const made = await intercom.ensureContact({
        appUserId: customer.appUserId,
        email: customer.email,
        name: customer.name,
      });
      await linkIdentity(db, customer.id, "intercom", made.id, made.matchedBy);
      contact = (await intercom.getContact(made.id)) ?? { id: made.id, email: customer.email };
    }
    const email = contact.email ?? null;
    if (!email)
      return {
        status: "failed",
        error: `The Intercom contact ${contact.id} has no email address.`,
        result: { ...base, email: null, contactId: contact.id },
      };
    const reference = intercomReference(action.idempotencyKey);
    const found = await intercom.findAdminMessage(contact.id, reference);
    const sent =
      found ??
      (await intercom.sendAdminEmail({
        contactId: contact.id,
        contactRole: contact.role === "lead" ? "lead" : "user",
        subject: CARD_UPDATE_SUBJECT,
        body: `${cardUpdateMessage(customer, link)}\n\nReference: ${reference}`,
      }));
    // As for Zendesk: a portal link is a credential, the row keeps only its kind.
    const result = {
      ...base,
      email,
      contactId: contact.id,
      messageId: sent.messageId ?? null,
      conversationId: sent.conversationId ?? null,
      reference,
      ...(link.kind === "hosted_invoice" ? { link: link.url } : {}),
    };
    const externalRef = sent.conversationId ?? sent.messageId ?? null;
    return { status: "succeeded", sent: true, externalRef, result };
  } catch (err) {
    return { status: "failed", error: plainError(err, "intercom"), result: base };
  }
}

/** "RCV-" and 10 hex characters of a hash of the idempotency key: the same for each try within the window. */
function intercomReference(idempotencyKey: string): string {
  const hash = createHash("sha256").update(`recovery:${idempotencyKey}`).digest("hex");
  return `RCV-${hash.slice(0, 10).toUpperCase()}`;
}

function cardUpdateMessage(customer: Customer, link: { url: string; kind: "portal" | "hosted_invoice" }): string {
  const hello = customer.name ? `Hello ${customer.name},` : "Hello,";
  const where =
    link.kind === "portal"
      ? `You can update your card here (the link works for 30 days):\n${link.url}`
      : `You can pay the open invoice, with a new card if needed, here:\n${link.url}`;
  return `${hello}\n\nYour last payment did not go through. ${where}\n\nIf you have any question, just reply to this message.`;
}

export async function planRetryPayment(
  db: Db,
  customer: Customer,
  services: Services_,
): Promise<Plan | OperationError> {
  const problem = await openPaymentProblem(db, customer.id);
  const invoiceId = problem?.invoiceId;
  if (!invoiceId) return fail(409, NO_OPEN_INVOICE);
  return {
    stripeObjectId: invoiceId,
    run: async (action) => {
      try {
        const invoice = await services.stripe.invoices.pay(invoiceId, {}, { idempotencyKey: `recovery-${action.id}` });
        const result = {
          invoiceId,
          invoiceStatus: invoice.status,
          amountPaid: invoice.amount_paid,
          currency: invoice.currency,
        };
        return invoice.status === "paid"
          ? { status: "succeeded", sent: true, externalRef: invoiceId, result }
          : { status: "failed", error: `Stripe left the invoice ${invoice.status ?? "unpaid"}.`, result };
      } catch (err) {
        return { status: "failed", error: plainError(err, "stripe"), result: { invoiceId } };
      }
    },
  };
}

export async function planResendReceipt(
  customer: Customer,
  stripeCustomerId: string,
  services: Services_,
): Promise<Plan | OperationError> {
  let charge: Stripe.Charge | null;
  try {
    charge = await newestPaidCharge(services.stripe, stripeCustomerId);
  } catch (err) {
    return fail(502, `Could not list the customer's charges: ${plainError(err, "stripe")}`);
  }
  if (!charge) return fail(409, NO_PAID_CHARGE);
  const email = receiptEmail(charge, customer);
  if (!email) return fail(409, "No email to send the receipt to.");
  const chargeId = charge.id;
  const base = { chargeId, email, amount: charge.amount, currency: charge.currency };
  return {
    stripeObjectId: chargeId,
    run: async (action) => {
      try {
        // Stripe sends the receipt again when receipt_email is set on the charge.
        await services.stripe.charges.update(
          chargeId,
          { receipt_email: email },
          { idempotencyKey: `recovery-${action.id}` },
        );
        return { status: "succeeded", sent: true, externalRef: chargeId, result: base };
      } catch (err) {
        return { status: "failed", error: plainError(err, "stripe"), result: base };
      }
    },
  };
}
