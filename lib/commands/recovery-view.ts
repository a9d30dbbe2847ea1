// How a recovery action reads in the console and the admin API: one sentence per action and state.
import type { RecoveryAction } from "@/db/schema";
import type { RecoveryKind } from "@/db/queries/recovery-actions";
import { formatAmount } from "@/lib/integrations/stripe/shapes";

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
