// Keeps PostgreSQL's statistics of `events` current while a burst arrives. The claim's order check
// (db/queries/event-run.ts) probes the partial index of unfinished events by customer; without statistics (a new
// deployment on launch day, or a table that grew tenfold since autovacuum last looked: it looks once a
// minute at most) the planner believes almost no event is `received` and scans every unfinished event
// instead, once per claim: measured, 5,000 waiting events made each claim cost ~6 ms of database CPU instead
// of ~0.1 ms. So each process asks for an ANALYZE itself once the events it stored since the last one reach
// as many as it had stored before it (the table doubled, as far as this process knows; at least
// ANALYZE_AFTER_MIN, at most ANALYZE_AFTER_MAX): one at a time, in the background, never failing a delivery.
// Not more often: each ANALYZE makes every connection plan the hot statements again (measured in the launch
// bench, a 10% step ran 16 ANALYZEs in a 10,000-event burst and the re-planning cost more than the statistics
// saved; doubling runs 5).
import type { Db } from "@/db";
import { analyzeEvents } from "@/db/queries/event-processing";
import { log } from "@/lib/log";

export const ANALYZE_AFTER_MIN = 500;
export const ANALYZE_AFTER_MAX = 10_000;

type State = { sinceLast: number; atLast: number; running?: Promise<void> };
const states = new WeakMap<Db, State>();

/**
 * Counts `inserted` new events for `db` and starts `ANALYZE events` when they pass the threshold. Answers the
 * run it started (tests wait on it), or undefined.
 */
export function noteEventsInserted(db: Db, inserted: number): Promise<void> | undefined {
  let state = states.get(db);
  if (!state) {
    state = { sinceLast: 0, atLast: 0 };
    states.set(db, state);
  }
  state.sinceLast += inserted;
  if (state.running || state.sinceLast < Math.max(ANALYZE_AFTER_MIN, Math.min(state.atLast, ANALYZE_AFTER_MAX)))
    return undefined;
  const s = state;
  s.atLast += s.sinceLast;
  s.sinceLast = 0;
  s.running = analyzeEvents(db)
    .then(
      () => undefined,
      (err: unknown) => log.warn("events.analyze_failed", { error: err instanceof Error ? err.message : String(err) }),
    )
    .finally(() => {
      s.running = undefined;
    });
  return s.running;
}
