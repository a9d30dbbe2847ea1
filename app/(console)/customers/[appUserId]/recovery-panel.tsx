// "Recover payment" on a customer with a Stripe link: the open payment problem, the three recovery buttons
// for admins (each disabled with its reason when it does not apply) and the history of what was done, by whom.
import { getDb } from "@/db";
import type { Customer, Identity } from "@/db/schema";
import { StatusBadge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { listRecoveryActions, openPaymentProblem } from "@/db/queries/recovery-actions";
import { recoveryOptions, toRecoveryView } from "@/lib/commands/recovery";
import { formatAmount } from "@/lib/integrations/stripe/shapes";
import { RecoveryButtons } from "./recovery-buttons";

type Props = { customer: Customer; identities: Pick<Identity, "system">[]; canEdit: boolean };

export async function RecoveryPanel({ customer, identities, canEdit }: Props) {
  if (!identities.some((i) => i.system === "stripe")) return null;
  const db = await getDb();
  const [rows, state] = await Promise.all([
    listRecoveryActions(db, customer.id),
    // Viewers see the history only: no Stripe look-up for buttons they will not get.
    canEdit
      ? recoveryOptions(db, customer)
      : openPaymentProblem(db, customer.id).then((problem) => ({ problem, options: null })),
  ]);
  const actions = rows.map(toRecoveryView);
  const { problem } = state;
  // A customer in good standing with nothing done and no receipt to resend: nothing to recover, no card.
  if (!problem && actions.length === 0 && !state.options?.resend_receipt.available) return null;
  return (
    <section aria-labelledby="recovery-title" className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id="recovery-title" className="text-base font-semibold">
        Recover payment
      </h2>
      <p className="mt-0.5 text-sm text-slate-600">
        {problem
          ? `Open invoice ${problem.invoiceId ?? "(unknown)"}${problem.amountDue !== null ? ` for ${formatAmount(problem.amountDue, problem.currency)}` : ""}: the payment failed and is not settled yet.`
          : "No failed payment is open for this customer."}
      </p>
      {state.options ? (
        <RecoveryButtons appUserId={customer.appUserId} options={state.options} email={customer.email} />
      ) : null}
      <h3 className="mt-5 text-sm font-semibold text-slate-800">History</h3>
      {actions.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600">No recovery action taken yet.</p>
      ) : (
        <ul aria-label="Recovery history" className="mt-2 divide-y divide-slate-100 text-sm">
          {actions.map((a) => (
            <li key={a.id} data-recovery-kind={a.kind} className="flex items-start justify-between gap-4 py-2.5">
              <span className="min-w-0">
                <span className={a.status === "failed" ? "text-red-800" : "text-slate-800"}>{a.summary}</span>
                <span className="block text-xs text-slate-500">
                  <RelativeTime date={a.createdAt} /> · by {a.actor}
                </span>
              </span>
              <StatusBadge status={a.status} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
