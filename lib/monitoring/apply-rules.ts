// Turns rule results into alerts: one unresolved alert per rule at a time, updated while the rule fires,
// resolved automatically when it clears.
import type { Db } from "@/db";
import { openOrUpdateRuleAlert, resolveRuleAlert } from "@/db/queries/alerts";
import type { RuleResult } from "./rules";

export async function applyRuleResults(
  db: Db,
  results: RuleResult[],
  now = new Date(),
): Promise<{ opened: string[]; resolved: string[] }> {
  const opened: string[] = [];
  const resolved: string[] = [];
  for (const r of results) {
    if (r.firing) {
      if (await openOrUpdateRuleAlert(db, r, now)) opened.push(r.rule);
    } else if (await resolveRuleAlert(db, r.rule, now)) {
      resolved.push(r.rule);
    }
  }
  return { opened, resolved };
}
