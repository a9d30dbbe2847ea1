// A rate budget per provider account, shared by every process of the deployment through the database: before
// each call a client spends one unit; when the rolling window is full it waits (never fails) until a slot
// frees, so steady state sends no request the provider would refuse. A 429 that still comes is handled by the
// integration's error classification as before.
//
// The ledger is one row per provider account with the grant times (database clock) still in the window, spent
// by one atomic INSERT … ON CONFLICT DO UPDATE. Each process takes as many units as it has callers waiting (up
// to `reserveMax`) and holds them only briefly (`holdMs`); the window is widened by `marginMs` (> holdMs plus
// request latency) so that a unit used a little after its grant still counts inside the provider's window.
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db";
import { log } from "@/lib/log";
import type { RateLimit } from "./rate-limit";

export { parseRateLimit, formatRateLimit, type RateLimit } from "./rate-limit";

export type RateBudgetOptions = {
  /** Ledger row, e.g. `hubspot:<token hash>` (see budgetKey). */
  key: string;
  limit: RateLimit;
  db: () => Promise<Db>;
  /** Added to the window on our side, for the time between a grant and the request reaching the provider
   *  (a busy event loop, a new connection): default 10% of the window, between 250 ms and 2 s. */
  marginMs?: number;
  /** A unit not used this long after its grant is dropped (default 200 ms). */
  holdMs?: number;
  /** At most this many units taken by one statement (default 10). */
  reserveMax?: number;
};

/** `hubspot:<first 16 hex of sha256(token)>`: one budget per provider account, never the token itself. */
export function budgetKey(provider: string, credential: string): string {
  return `${provider}:${createHash("sha256").update(credential).digest("hex").slice(0, 16)}`;
}

type Waiter = { resolve: () => void };

export class RateBudget {
  readonly key: string;
  readonly limit: RateLimit;
  private readonly windowMs: number;
  private readonly holdMs: number;
  private readonly reserveMax: number;
  /** Units granted to this process and not yet used, valid until `heldUntil` (local clock). */
  private held = 0;
  private heldUntil = 0;
  private readonly waiters: Waiter[] = [];
  private pumping = false;
  /** Statements run and units granted, for tests and the benchmark. */
  readonly stats = { statements: 0, granted: 0, waits: 0, expired: 0 };

  constructor(private readonly opts: RateBudgetOptions) {
    this.key = opts.key;
    this.limit = opts.limit;
    const margin = opts.marginMs ?? Math.min(2000, Math.max(250, Math.round(opts.limit.windowMs * 0.1)));
    this.windowMs = opts.limit.windowMs + margin;
    this.holdMs = Math.min(opts.holdMs ?? 200, margin);
    this.reserveMax = Math.max(1, Math.min(opts.reserveMax ?? 10, opts.limit.max));
  }

  /** Resolves when one call may be sent now. Never rejects: a broken ledger lets the call through (logged). */
  spend(): Promise<void> {
    if (this.takeHeld()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiters.push({ resolve });
      void this.pump();
    });
  }

  private takeHeld(): boolean {
    if (this.held > 0 && Date.now() < this.heldUntil) {
      this.held -= 1;
      return true;
    }
    if (this.held > 0) {
      this.stats.expired += this.held;
      this.held = 0;
    }
    return false;
  }

  /** One loop per process feeds the waiters: a statement per round, a sleep when the window is full. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        while (this.waiters.length > 0 && this.takeHeld()) this.waiters.shift()!.resolve();
        if (this.waiters.length === 0) break;
        const want = Math.min(this.waiters.length, this.reserveMax);
        let result: { granted: number; waitMs: number };
        try {
          result = await this.take(want);
        } catch (err) {
          log.warn("budget.unavailable", { key: this.key, error: err });
          // Fail open: the provider's own 429 handling still protects the call.
          for (const w of this.waiters.splice(0, want)) w.resolve();
          continue;
        }
        const granted = result.granted;
        for (const w of this.waiters.splice(0, Math.min(granted, this.waiters.length))) w.resolve();
        const extra = granted - Math.min(granted, want);
        if (extra > 0) {
          this.held += extra;
          this.heldUntil = Date.now() + this.holdMs;
        }
        if (granted < want) {
          this.stats.waits += 1;
          await sleep(Math.max(5, result.waitMs));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** The one statement: drop grants older than the window, grant up to `want` within the limit, read back. */
  async take(want: number): Promise<{ granted: number; waitMs: number }> {
    const db = await this.opts.db();
    const max = this.limit.max;
    const w = this.windowMs;
    const now = sql`(extract(epoch from statement_timestamp()) * 1000)::bigint`;
    const live = (col: ReturnType<typeof sql>) =>
      sql`(select count(*) from unnest(${col}) s where s > ${now} - ${w}::bigint)`;
    const grant = (col: ReturnType<typeof sql>) => sql`greatest(0, least(${want}::int, ${max}::int - ${live(col)}))`;
    const old = sql`b.stamps`;
    this.stats.statements += 1;
    const [row] = await rowsOf<{ granted: number; at: number | string; oldest: number | string | null; n: number }>(
      db.execute(sql`
        insert into provider_budgets as b (key, stamps, granted, at, updated_at)
        values (
          ${this.key},
          array(select ${now} from generate_series(1, least(${want}::int, ${max}::int))),
          least(${want}::int, ${max}::int),
          ${now},
          now()
        )
        on conflict (key) do update set
          stamps = array(
            select s from (
              select s from unnest(${old}) s where s > ${now} - ${w}::bigint
              union all
              select ${now} from generate_series(1, ${grant(old)})
            ) t order by s
          ),
          granted = ${grant(old)},
          at = ${now},
          updated_at = now()
        returning
          b.granted,
          b.at::float8 as at,
          cardinality(b.stamps)::int as n,
          b.stamps[greatest(1, cardinality(b.stamps) - ${max}::int + 1)]::float8 as oldest
      `),
    );
    if (!row) throw new Error("the budget statement answered no row");
    const granted = Number(row.granted);
    this.stats.granted += granted;
    // Full: a slot frees when the grant `max` places back leaves the window.
    const waitMs = row.n >= max && row.oldest !== null ? Number(row.oldest) + w - Number(row.at) + 1 : 5;
    return { granted, waitMs: Math.max(1, waitMs) };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
