// Turns rule results into alerts: one unresolved alert per rule at a time (a partial unique index holds
// it), updated while the rule fires, resolved automatically when it clears.
import { and, eq, ne } from "drizzle-orm";
import type { Db } from "@/db";
import { alerts } from "@/db/schema";
import type { RuleResult } from "./rules";

export async function applyRuleResults(db: Db, results: RuleResult[], now = new Date()): Promise<{ opened: string[]; resolved: string[] }> {
  const opened: string[] = [];
  const resolved: string[] = [];
  for (const r of results) {
    const unresolved = and(eq(alerts.rule, r.rule), ne(alerts.status, "resolved"));
    if (r.firing) {
      const inserted = await db
        .insert(alerts)
        .values({ kind: "ops", rule: r.rule, dedupeKey: `rule:${r.rule}:${now.toISOString()}`, severity: r.severity, title: r.title, message: r.message, details: { value: r.value } as never, openedAt: now })
        .onConflictDoNothing()
        .returning({ id: alerts.id });
      if (inserted.length) opened.push(r.rule);
      else await db.update(alerts).set({ title: r.title, message: r.message, details: { value: r.value } as never, updatedAt: now }).where(unresolved);
    } else {
      const rows = await db.update(alerts).set({ status: "resolved", resolvedAt: now, updatedAt: now }).where(unresolved).returning({ id: alerts.id });
      if (rows.length) resolved.push(r.rule);
    }
  }
  return { opened, resolved };
}
