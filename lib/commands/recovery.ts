// Payment recovery on one customer, shared by the console's buttons and the admin API (admin role): send the
// card-update link through the support tool (a public Zendesk ticket, or an Intercom email from the admin),
// retry the open invoice now, resend the last receipt. Each is one row in recovery_actions, claimed by an
// idempotency key (kind + Stripe object + 10-minute window) before any call, so a double click or a retried
// request answers the first action instead of sending twice. A Stripe, Zendesk or Intercom failure is recorded
// on the row (and frees the key for another try), never thrown to the page.
import { createHash } from "node:crypto";
import type Stripe from "stripe";
import { type Db, inTransaction } from "@/db";
import type { Customer, RecoveryAction } from "@/db/schema";
import { audit } from "@/db/queries/audit";
import { customerByAppUserId, identityOf, linkIdentity } from "@/db/queries/identities";
import {
  claimRecoveryAction,
  finishRecoveryAction,
  listRecoveryActions,
  openPaymentProblem,
  type OpenPaymentProblem,
  type RecoveryKind,
  type RecoveryOutcome,
  recentRecoveryAction,
} from "@/db/queries/recovery-actions";
import type { Actor } from "@/lib/auth/roles";
import { recoveryUrlFor } from "@/lib/billing/recovery-link";
import { getServices, type Services } from "@/lib/integrations";
import { IntegrationError } from "@/lib/integrations/errors";
import { classifyStripeError } from "@/lib/integrations/stripe/errors";
import { formatAmount } from "@/lib/integrations/stripe/shapes";
import { fail, type OperationError, type OperationResult, refuseRole } from "./result";

export const RECOVERY_KINDS = ["card_update_link", "retry_payment", "resend_receipt"] as const;
export const RECOVERY_WINDOW_MS = 10 * 60_000;
export const CARD_UPDATE_SUBJECT = "Update your payment method";

export type RecoveryActionView = {
  id: string;
  kind: RecoveryKind;
  status: "pending" | "succeeded" | "failed";
  /** What happened, in words (the console shows it as is). */
  summary: string;
  error: string | null;
  stripeObjectId: string | null;
  externalRef: string | null;
  sent: boolean;
  result: Record<string, unknown> | null;
  actor: string;
  createdAt: string;
  finishedAt: string | null;
};

type Services_ = Pick<Services, "stripe" | "zendesk" | "intercom" | "supportProvider">;
type Plan = { stripeObjectId: string; run: (action: RecoveryAction) => Promise<RecoveryOutcome> };
type Availability = { available: true } | { available: false; reason: string };
export type RecoveryOptions = Record<RecoveryKind, Availability>;

const SERVICE_LABEL: Record<string, string> = { stripe: "Stripe", zendesk: "Zendesk", intercom: "Intercom" };

/** A service failure as one plain sentence: "Stripe (402): Your card was declined." */
function plainError(err: unknown, service: "stripe" | "zendesk" | "intercom"): string {
  const e = err instanceof IntegrationError ? err : service === "stripe" ? classifyStripeError(err) : undefined;
  if (!e) return `${SERVICE_LABEL[service]}: ${err instanceof Error ? err.message : String(err)}`;
  return `${SERVICE_LABEL[e.service] ?? e.service}${e.status ? ` (${e.status})` : ""}: ${e.message}`;
}

const str = (v: unknown) => (typeof v === "string" && v ? v : null);

/** The sentence the console and the API show for an action. */
export function describeRecovery(row: RecoveryAction): string {
  const r = (row.result ?? {}) as Record<string, unknown>;
  const object = row.stripeObjectId ?? "";
  if (row.kind === "card_update_link") {
    if (row.status === "pending") return "Sending the card-update link…";
    if (row.status === "failed") return `Card-update link not sent: ${row.error ?? "unknown error"}`;
    const what = r.linkKind === "hosted_invoice" ? " (the open invoice's payment page)" : "";
    if (r.provider === "intercom")
      return `Card-update link${what} sent to ${str(r.email) ?? `Intercom contact ${String(r.contactId ?? "?")}`} through Intercom`;
    const to = str(r.email) ?? `Zendesk user ${String(r.requesterId ?? "?")}`;
    return `Card-update link${what} sent to ${to} through Zendesk, ticket #${row.externalRef ?? "?"}`;
  }
  if (row.kind === "retry_payment") {
    if (row.status === "pending") return `Retrying the payment of invoice ${object}…`;
    if (row.status === "failed") return `Payment retry of invoice ${object} failed: ${row.error ?? "unknown error"}`;
    const amount = formatAmount(r.amountPaid, r.currency);
    return `Invoice ${object} paid${amount ? ` (${amount})` : ""}`;
  }
  if (row.status === "pending") return `Resending the receipt of charge ${object}…`;
  if (row.status === "failed") return `Receipt of charge ${object} not resent: ${row.error ?? "unknown error"}`;
  const amount = formatAmount(r.amount, r.currency);
  return `Receipt of charge ${object}${amount ? ` (${amount})` : ""} resent to ${str(r.email) ?? "?"}`;
}

export function toRecoveryView(row: RecoveryAction): RecoveryActionView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status as RecoveryActionView["status"],
    summary: describeRecovery(row),
    error: row.error,
    stripeObjectId: row.stripeObjectId,
    externalRef: row.externalRef,
    sent: row.sent,
    result: (row.result as Record<string, unknown> | null) ?? null,
    actor: row.actor,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** The newest paid charge of a Stripe customer, or null; throws the Stripe error. */
async function newestPaidCharge(
  stripe: Stripe,
  stripeCustomerId: string,
  opts: Stripe.RequestOptions = {},
): Promise<Stripe.Charge | null> {
  const list = await stripe.charges.list({ customer: stripeCustomerId, limit: 20 }, opts);
  return list.data.find((c) => c.paid && c.status === "succeeded" && !c.refunded) ?? null;
}

const receiptEmail = (charge: Stripe.Charge, customer: Customer) =>
  charge.receipt_email ?? charge.billing_details?.email ?? customer.email ?? null;

const NO_OPEN_INVOICE = "No open invoice: no failed payment is waiting to be paid.";
const NO_PAID_CHARGE = "No paid charge in Stripe for this customer.";
const NO_REQUESTER = "No support requester email: the customer has no email and no linked Zendesk user.";
const NO_CONTACT = "No support requester email: the customer has no email and no linked Intercom contact.";
/** Why there is no link to send: the failed invoice has no payment page, or nothing failed; the portal is off either way. */
const noLink = (problem: OpenPaymentProblem | null) =>
  problem
    ? "Stripe gave the failed invoice no payment page, and the billing portal is off (set BILLING_PORTAL_RETURN_URL)."
    : "No failed payment to fix. Set BILLING_PORTAL_RETURN_URL to send a card-update link at any time.";

/** What the panel may offer, and why not when it may not. Never throws: a Stripe outage disables only receipts. */
export async function recoveryOptions(
  db: Db,
  customer: Customer,
  services: Services_ = getServices(),
): Promise<{ options: RecoveryOptions; problem: OpenPaymentProblem | null }> {
  const intercom = services.supportProvider === "intercom";
  const [stripeCustomerId, supportId, problem] = await Promise.all([
    identityOf(db, customer.id, "stripe"),
    identityOf(db, customer.id, intercom ? "intercom" : "zendesk"),
    openPaymentProblem(db, customer.id),
  ]);
  const no = (reason: string): Availability => ({ available: false, reason });
  const yes: Availability = { available: true };
  if (!stripeCustomerId) {
    const reason = "This customer has no Stripe link.";
    return {
      options: { card_update_link: no(reason), retry_payment: no(reason), resend_receipt: no(reason) },
      problem,
    };
  }
  let receipt: Availability;
  try {
    const charge = await newestPaidCharge(services.stripe, stripeCustomerId, { timeout: 3_000, maxNetworkRetries: 0 });
    receipt = !charge
      ? no(NO_PAID_CHARGE)
      : receiptEmail(charge, customer)
        ? yes
        : no("No email to send the receipt to.");
  } catch (err) {
    receipt = no(`Could not check the charges: ${plainError(err, "stripe")}`);
  }
  const link = recoveryUrlFor(customer.id, problem?.hostedInvoiceUrl ?? null);
  return {
    options: {
      card_update_link:
        !customer.email && !supportId ? no(intercom ? NO_CONTACT : NO_REQUESTER) : !link ? no(noLink(problem)) : yes,
      retry_payment: problem?.invoiceId ? yes : no(NO_OPEN_INVOICE),
      resend_receipt: receipt,
    },
    problem,
  };
}

async function planCardUpdateLink(
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

async function planRetryPayment(db: Db, customer: Customer, services: Services_): Promise<Plan | OperationError> {
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

async function planResendReceipt(
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

export type RecoveryInput = {
  appUserId: string;
  kind: RecoveryKind /** The request's origin, for our link. */;
  origin?: string;
};

/** Runs one recovery action (or answers the one already taken in this window). */
export async function runRecoveryAction(
  db: Db,
  actor: Actor,
  input: RecoveryInput,
  services: Services_ = getServices(),
  now = Date.now(),
): Promise<OperationResult<{ action: RecoveryActionView; repeated: boolean }>> {
  const refused = refuseRole(actor, "admin");
  if (refused) return refused;
  const customer = await customerByAppUserId(db, input.appUserId);
  if (!customer) return fail(404, `No customer with app user id "${input.appUserId}".`);
  const stripeCustomerId = await identityOf(db, customer.id, "stripe");
  if (!stripeCustomerId) return fail(409, "This customer has no Stripe link: there is no payment to recover.");
  const plan =
    input.kind === "card_update_link"
      ? await planCardUpdateLink(db, customer, stripeCustomerId, services, input.origin)
      : input.kind === "retry_payment"
        ? await planRetryPayment(db, customer, services)
        : await planResendReceipt(customer, stripeCustomerId, services);
  if ("ok" in plan) return plan;

  const earlier = await recentRecoveryAction(db, {
    customerId: customer.id,
    kind: input.kind,
    stripeObjectId: plan.stripeObjectId,
    since: new Date(now - RECOVERY_WINDOW_MS),
  });
  const claimed = earlier
    ? { row: earlier, created: false }
    : await claimRecoveryAction(db, {
        customerId: customer.id,
        kind: input.kind,
        idempotencyKey: `${input.kind}:${plan.stripeObjectId}:${Math.floor(now / RECOVERY_WINDOW_MS)}`,
        stripeObjectId: plan.stripeObjectId,
        actor: actor.email,
      });
  if (!claimed.created) {
    const view = toRecoveryView(claimed.row);
    return { ok: true, action: view, repeated: true, message: `Already done moments ago: ${view.summary}` };
  }
  const outcome = await plan.run(claimed.row);
  const row = await inTransaction(db, async (tx) => {
    const finished = await finishRecoveryAction(tx, claimed.row.id, outcome);
    await audit(
      tx,
      actor,
      `customer.recovery_${input.kind}`,
      { type: "customer", id: customer.appUserId },
      {
        actionId: finished.id,
        stripeObjectId: finished.stripeObjectId,
        outcome: finished.status,
        externalRef: finished.externalRef,
        error: finished.error,
      },
    );
    return finished;
  });
  const view = toRecoveryView(row);
  return { ok: true, action: view, repeated: false, message: view.summary };
}

/** The customer's recovery actions, newest first (404 for an unknown customer). */
export async function listCustomerRecovery(
  db: Db,
  appUserId: string,
): Promise<OperationResult<{ actions: RecoveryActionView[] }>> {
  const customer = await customerByAppUserId(db, appUserId);
  if (!customer) return fail(404, `No customer with app user id "${appUserId}".`);
  const rows = await listRecoveryActions(db, customer.id);
  return { ok: true, actions: rows.map(toRecoveryView), message: `${rows.length} recovery actions.` };
}
