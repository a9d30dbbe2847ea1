// Ops alerts, opened and resolved by the monitoring rules: at most one unresolved alert per rule (a partial
// unique index holds it).
import { and, eq, ne } from "drizzle-orm";
import type { Db } from "@/db";
import { type Alert, alerts } from "@/db/schema";

type RuleAlert = {
  rule: string;
  severity: Alert["severity"];
  title: string;
  message: string;
  value: unknown;
  href?: string;
};

/** Opens the rule's alert, or updates the unresolved one; answers whether it opened a new one. */
export async function openOrUpdateRuleAlert(db: Db, r: RuleAlert, now: Date): Promise<boolean> {
  const details = { value: r.value, ...(r.href ? { href: r.href } : {}) };
  const inserted = await db
    .insert(alerts)
    .values({
      kind: "ops",
      rule: r.rule,
      dedupeKey: `rule:${r.rule}:${now.toISOString()}`,
      severity: r.severity,
      title: r.title,
      message: r.message,
      details,
      openedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: alerts.id });
  if (inserted.length) return true;
  await db
    .update(alerts)
    .set({ title: r.title, message: r.message, details, updatedAt: now })
    .where(and(eq(alerts.rule, r.rule), ne(alerts.status, "resolved")));
  return false;
}

/** Resolves the rule's unresolved alert; answers whether there was one. */
export async function resolveRuleAlert(db: Db, rule: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(alerts)
    .set({ status: "resolved", resolvedAt: now, updatedAt: now })
    .where(and(eq(alerts.rule, rule), ne(alerts.status, "resolved")))
    .returning({ id: alerts.id });
  return rows.length > 0;
}
