// Payment recovery on one customer, shared by the console's buttons and the admin API (admin role): send the
// card-update link through the support tool (a public Zendesk ticket, or an Intercom email from the admin),
// retry the open invoice now, resend the last receipt. Each is one row in recovery_actions, claimed by an
// idempotency key (kind + Stripe object + 10-minute window) before any call, so a double click or a retried
// request answers the first action instead of sending twice. A Stripe, Zendesk or Intercom failure is recorded
// on the row (and frees the key for another try), never thrown to the page.
// How an action reads: ./recovery-view.ts; what each action does in Stripe, Zendesk or Intercom: ./recovery-plans.ts.
import { type Db, inTransaction } from "@/db";
import type { Customer } from "@/db/schema";
import { audit } from "@/db/queries/audit";
import { customerByAppUserId, identityOf } from "@/db/queries/identities";
import {
  claimRecoveryAction,
  finishRecoveryAction,
  listRecoveryActions,
  openPaymentProblem,
  type OpenPaymentProblem,
  type RecoveryKind,
  recentRecoveryAction,
} from "@/db/queries/recovery-actions";
import type { Actor } from "@/lib/auth/roles";
import { recoveryUrlFor } from "@/lib/billing/recovery-link";
import { getServices } from "@/lib/integrations";
import { fail, type OperationResult, refuseRole } from "./result";
import {
  NO_CONTACT,
  NO_OPEN_INVOICE,
  NO_PAID_CHARGE,
  NO_REQUESTER,
  newestPaidCharge,
  noLink,
  plainError,
  planCardUpdateLink,
  planResendReceipt,
  planRetryPayment,
  receiptEmail,
  type Services_,
} from "./recovery-plans";
import { type RecoveryActionView, toRecoveryView } from "./recovery-view";

export { CARD_UPDATE_SUBJECT } from "./recovery-plans";
export { describeRecovery, type RecoveryActionView, toRecoveryView } from "./recovery-view";

export const RECOVERY_KINDS = ["card_update_link", "retry_payment", "resend_receipt"] as const;
export const RECOVERY_WINDOW_MS = 10 * 60_000;

type Availability = { available: true } | { available: false; reason: string };
export type RecoveryOptions = Record<RecoveryKind, Availability>;

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
