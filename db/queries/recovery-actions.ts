// Payment-recovery actions on one customer (card-update link, retry payment, resend receipt): claimed once per
// idempotency key (insert-on-conflict: a double click or a retried request finds the first row), finished with
// what came of it, listed for the console and the admin API; and the open payment problem they act on.
import { and, desc, eq, gte, like, ne, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { alerts, recoveryActions, type RecoveryAction } from "@/db/schema";

export type RecoveryKind = RecoveryAction["kind"];
export type RecoveryStatus = "pending" | "succeeded" | "failed";

export type ClaimInput = {
  customerId: string;
  kind: RecoveryKind;
  idempotencyKey: string;
  stripeObjectId: string | null;
  actor: string;
};

/** The new row (`created`), or the one that already holds this key. */
export async function claimRecoveryAction(
  db: Db,
  input: ClaimInput,
): Promise<{ row: RecoveryAction; created: boolean }> {
  const [row] = await db
    .insert(recoveryActions)
    .values({ ...input, status: "pending" })
    .onConflictDoNothing({ target: recoveryActions.idempotencyKey })
    .returning();
  if (row) return { row, created: true };
  const [existing] = await db
    .select()
    .from(recoveryActions)
    .where(eq(recoveryActions.idempotencyKey, input.idempotencyKey))
    .limit(1);
  if (!existing) throw new Error(`recovery action ${input.idempotencyKey} vanished between insert and read`);
  return { row: existing, created: false };
}

export type RecoveryOutcome = {
  status: Exclude<RecoveryStatus, "pending">;
  externalRef?: string | null;
  sent?: boolean;
  result?: Record<string, unknown> | null;
  error?: string | null;
};

/**
 * Records the outcome. A failed action gives its idempotency key up (renamed with its id), so trying again
 * makes a new attempt; a pending or succeeded one keeps it for its window.
 */
export async function finishRecoveryAction(db: Db, id: string, outcome: RecoveryOutcome): Promise<RecoveryAction> {
  const [row] = await db
    .update(recoveryActions)
    .set({
      status: outcome.status,
      externalRef: outcome.externalRef ?? null,
      sent: outcome.sent ?? false,
      result: outcome.result ?? null,
      error: outcome.error ?? null,
      finishedAt: new Date(),
      ...(outcome.status === "failed"
        ? { idempotencyKey: sql`${recoveryActions.idempotencyKey} || ':failed:' || ${recoveryActions.id}` }
        : {}),
    })
    .where(eq(recoveryActions.id, id))
    .returning();
  if (!row) throw new Error(`no recovery action ${id}`);
  return row;
}

/**
 * The action of this kind on this object taken since `since` that did not fail: it answers a repeat that falls
 * just across a window boundary (where the idempotency key changes).
 */
export async function recentRecoveryAction(
  db: Db,
  q: { customerId: string; kind: RecoveryKind; stripeObjectId: string; since: Date },
): Promise<RecoveryAction | undefined> {
  const [row] = await db
    .select()
    .from(recoveryActions)
    .where(
      and(
        eq(recoveryActions.customerId, q.customerId),
        eq(recoveryActions.kind, q.kind),
        eq(recoveryActions.stripeObjectId, q.stripeObjectId),
        ne(recoveryActions.status, "failed"),
        gte(recoveryActions.createdAt, q.since),
      ),
    )
    .orderBy(desc(recoveryActions.createdAt))
    .limit(1);
  return row;
}

/** The customer's recovery actions, newest first. */
export async function listRecoveryActions(db: Db, customerId: string, limit = 20): Promise<RecoveryAction[]> {
  return db
    .select()
    .from(recoveryActions)
    .where(eq(recoveryActions.customerId, customerId))
    .orderBy(desc(recoveryActions.createdAt))
    .limit(limit);
}

export type OpenPaymentProblem = {
  alertId: string;
  invoiceId: string | null;
  hostedInvoiceUrl: string | null;
  amountDue: number | null;
  currency: string | null;
};

/** The newest open (not resolved) failed-payment alert of the customer, with the invoice it is about. */
export async function openPaymentProblem(db: Db, customerId: string): Promise<OpenPaymentProblem | null> {
  const [row] = await db
    .select({ id: alerts.id, details: alerts.details })
    .from(alerts)
    .where(
      and(
        eq(alerts.customerId, customerId),
        eq(alerts.kind, "billing"),
        ne(alerts.status, "resolved"),
        like(alerts.dedupeKey, "payment\\_failed:%"),
      ),
    )
    .orderBy(desc(alerts.openedAt))
    .limit(1);
  if (!row) return null;
  const d = (row.details ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v ? v : null);
  return {
    alertId: row.id,
    invoiceId: str(d.invoice),
    hostedInvoiceUrl: str(d.hostedInvoiceUrl),
    amountDue: typeof d.amountDue === "number" ? d.amountDue : null,
    currency: str(d.currency),
  };
}
