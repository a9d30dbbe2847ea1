// Billing alerts, raised by the pipeline: one per Stripe object (invoice, dispute, checkout session), so a
// retried or replayed event never opens a second one.
import { and, eq, inArray, isNull, like, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { alerts } from "@/db/schema";

type BillingAlertInput = {
  dedupeKey: string;
  title: string;
  message: string;
  customerId?: string | null;
  eventId: string;
  severity?: "warning" | "critical";
  details?: unknown;
};

/** Opens the alert once per dedupe key (later calls change nothing); answers its id. */
export async function raiseBillingAlert(db: Db, input: BillingAlertInput): Promise<string> {
  await db
    .insert(alerts)
    .values({
      kind: "billing",
      severity: input.severity ?? "warning",
      ...input,
      customerId: input.customerId ?? null,
      details: input.details ?? null,
    })
    .onConflictDoNothing({ target: [alerts.kind, alerts.dedupeKey] });
  return (await billingAlertByKey(db, input.dedupeKey))!.id;
}

export async function billingAlertByKey(db: Db, dedupeKey: string) {
  const [row] = await db
    .select({ id: alerts.id, status: alerts.status, severity: alerts.severity, details: alerts.details })
    .from(alerts)
    .where(and(eq(alerts.kind, "billing"), eq(alerts.dedupeKey, dedupeKey)))
    .limit(1);
  return row;
}

/**
 * Dunning: one alert per invoice, whatever the number of retries. A later attempt updates its text and
 * details (an earlier one delivered late changes nothing); it never lowers the severity, a move to
 * critical marks an escalation for the notifier, and a resolved alert stays resolved. Answers the id and
 * what happened.
 */
export async function raiseOrUpdateDunningAlert(
  db: Db,
  input: BillingAlertInput & { attempt: number },
): Promise<{ id: string; outcome: "opened" | "updated" | "escalated" | "unchanged" }> {
  const severity = input.severity ?? "warning";
  const details = { ...(input.details as Record<string, unknown> | undefined), attempt: input.attempt };
  const [row] = await db
    .insert(alerts)
    .values({ ...input, kind: "billing", severity, customerId: input.customerId ?? null, details })
    .onConflictDoUpdate({
      target: [alerts.kind, alerts.dedupeKey],
      set: {
        title: sql`excluded.title`,
        message: sql`excluded.message`,
        eventId: sql`excluded.event_id`,
        severity: sql`case when ${alerts.severity} = 'critical' then ${alerts.severity} else excluded.severity end`,
        details: sql`excluded.details || jsonb_build_object('escalation', case when ${alerts.severity} <> 'critical' and excluded.severity = 'critical' then 'pending' else ${alerts.details}->>'escalation' end)`,
        updatedAt: new Date(),
      },
      setWhere: sql`${alerts.status} <> 'resolved' and coalesce((${alerts.details}->>'attempt')::int, 0) < (excluded.details->>'attempt')::int`,
    })
    .returning({ id: alerts.id, inserted: sql<boolean>`xmax = 0`, details: alerts.details });
  if (!row) return { id: (await billingAlertByKey(db, input.dedupeKey))!.id, outcome: "unchanged" };
  const escalated = (row.details as { escalation?: string } | null)?.escalation === "pending";
  return { id: row.id, outcome: row.inserted ? "opened" : escalated ? "escalated" : "updated" };
}

/** Records a dispute's end on its alert: won resolves it; lost keeps it as it is with the new text. */
export async function closeDisputeAlert(db: Db, input: BillingAlertInput & { won: boolean }): Promise<string> {
  const now = new Date();
  const { won, ...rest } = input;
  const [row] = await db
    .insert(alerts)
    .values({
      ...rest,
      kind: "billing",
      severity: rest.severity ?? "critical",
      customerId: rest.customerId ?? null,
      details: rest.details ?? null,
      ...(won ? { status: "resolved" as const, resolvedAt: now } : {}),
    })
    .onConflictDoUpdate({
      target: [alerts.kind, alerts.dedupeKey],
      set: {
        title: sql`excluded.title`,
        message: sql`excluded.message`,
        details: sql`excluded.details`,
        customerId: sql`coalesce(${alerts.customerId}, excluded.customer_id)`,
        updatedAt: now,
        ...(won
          ? {
              status: sql`'resolved'::alert_status`,
              resolvedAt: sql`coalesce(${alerts.resolvedAt}, excluded.resolved_at)`,
            }
          : {}),
      },
    })
    .returning({ id: alerts.id });
  return row!.id;
}

/** Links a billing alert raised before its customer was known (a dispute) to the customer. */
export async function attachAlertCustomer(db: Db, dedupeKey: string, customerId: string): Promise<void> {
  await db
    .update(alerts)
    .set({ customerId })
    .where(and(eq(alerts.kind, "billing"), eq(alerts.dedupeKey, dedupeKey), isNull(alerts.customerId)));
}

/**
 * Resolves the customer's open payment-failure alerts (`prefix` narrows them, e.g. to Checkout sessions'
 * `payment_failed:cs_`); answers how many.
 */
export async function resolvePaymentAlerts(db: Db, customerId: string, prefix = "payment_failed:"): Promise<number> {
  const rows = await db
    .update(alerts)
    .set({ status: "resolved", resolvedAt: new Date(), updatedAt: new Date() })
    .where(
      and(
        eq(alerts.kind, "billing"),
        eq(alerts.customerId, customerId),
        inArray(alerts.status, ["open", "acknowledged"]),
        like(alerts.dedupeKey, `${prefix.replaceAll("%", "\\%").replaceAll("_", "\\_")}%`),
      ),
    )
    .returning({ id: alerts.id });
  return rows.length;
}
