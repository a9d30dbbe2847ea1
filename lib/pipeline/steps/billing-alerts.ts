// Billing alerts: one per Stripe event (a failed payment, a dispute), resolved when the customer pays.
import { and, eq, inArray, like } from "drizzle-orm";
import type { Db } from "@/db";
import { alerts } from "@/db/schema";

export async function raiseBillingAlert(
  db: Db,
  input: { dedupeKey: string; title: string; message: string; customerId?: string | null; eventId: string; severity?: "warning" | "critical"; details?: unknown },
): Promise<string> {
  await db
    .insert(alerts)
    .values({ kind: "billing", severity: input.severity ?? "warning", ...input, customerId: input.customerId ?? null, details: (input.details ?? null) as never })
    .onConflictDoNothing({ target: [alerts.kind, alerts.dedupeKey] });
  const [row] = await db
    .select({ id: alerts.id })
    .from(alerts)
    .where(and(eq(alerts.kind, "billing"), eq(alerts.dedupeKey, input.dedupeKey)))
    .limit(1);
  return row!.id;
}

/** Resolves the customer's open payment-failure alerts; answers how many. */
export async function resolvePaymentAlerts(db: Db, customerId: string): Promise<number> {
  const rows = await db
    .update(alerts)
    .set({ status: "resolved", resolvedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(alerts.kind, "billing"), eq(alerts.customerId, customerId), inArray(alerts.status, ["open", "acknowledged"]), like(alerts.dedupeKey, "payment_failed:%")))
    .returning({ id: alerts.id });
  return rows.length;
}
