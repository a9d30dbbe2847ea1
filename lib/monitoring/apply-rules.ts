// Turns rule results into alerts: one unresolved alert per rule at a time, updated while the rule fires,
// resolved automatically when it clears. One cause, one alert: a result whose cause also fires (a failure
// rate behind a refused credential) opens nothing of its own; its figures are added to the cause's alert
// text, and an alert it had opened before the cause fired is resolved as folded under the cause.
import type { Db } from "@/db";
import { openOrUpdateRuleAlert, resolveRuleAlert } from "@/db/queries/alerts";
import type { RuleResult } from "./rules";

/** The results to record: folded consequences removed, their titles appended to their cause's message. */
export function foldUnderCauses(results: RuleResult[]): { shown: RuleResult[]; folded: RuleResult[] } {
  const firing = new Set(results.filter((r) => r.firing).map((r) => r.rule));
  const isFolded = (r: RuleResult) => r.firing && r.causedBy !== undefined && firing.has(r.causedBy);
  const folded = results.filter(isFolded);
  const shown = results
    .filter((r) => !isFolded(r))
    .map((r) => {
      const consequences = folded.filter((f) => f.causedBy === r.rule);
      if (!consequences.length) return r;
      return { ...r, message: `${r.message} Because of it: ${consequences.map((f) => f.title).join("; ")}.` };
    });
  return { shown, folded };
}

export async function applyRuleResults(
  db: Db,
  results: RuleResult[],
  now = new Date(),
): Promise<{ opened: string[]; resolved: string[] }> {
  const opened: string[] = [];
  const resolved: string[] = [];
  const { shown, folded } = foldUnderCauses(results);
  for (const r of shown) {
    if (r.firing) {
      if (await openOrUpdateRuleAlert(db, r, now)) opened.push(r.rule);
    } else if (await resolveRuleAlert(db, r.rule, now)) {
      resolved.push(r.rule);
    }
  }
  for (const r of folded) {
    if (await resolveRuleAlert(db, r.rule, now)) resolved.push(r.rule);
  }
  return { opened, resolved };
}
