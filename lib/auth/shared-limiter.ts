// Rate limiters shared by every instance of the deployment. The counts live in PostgreSQL's `rate_limits`
// table (rate-limiter-flexible's Drizzle store: an atomic upsert per count; rows expired for over an hour are
// deleted every 5 minutes); with the embedded PGlite the process is the database's only user, so a
// limiter in memory is already shared by everyone and costs nothing. Two shapes over PostgreSQL:
// - `storeLimiter`: every count is a round trip (exact across instances). For the low-volume limits (failed
//   sign-ins and admin authentications). An in-memory limiter is the insurance: a store that fails or takes
//   longer than `timeoutMs` answers from memory instead, so a database hiccup never refuses a request.
// - `SyncedLimiter`: counts in memory at once and adds them to the shared row in one upsert per key every
//   `syncMs`, learning the other instances' counts from the total it returns. For the hot paths (webhooks,
//   health, the app API): one upsert per request on one hot row (all of a sender's requests) measured 409/s
//   with p99 128 ms at 16 connections, below the ingest target; batched, the request never waits on the
//   database. The price: each other instance may overshoot a limit by what it counted in its last `syncMs`.
import type { Db, DbHandle } from "@/db";
import { rateLimits } from "@/db/schema/operations";
import { log } from "@/lib/log";
import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRes, RLWrapperTimeouts } from "rate-limiter-flexible";

export type LimitSpec = { keyPrefix: string; points: number; duration: number };

/** What the callers use of a limiter (RateLimiterMemory, the insured store and SyncedLimiter all have it). */
export type Limiter = {
  consume(key: string, points?: number): Promise<RateLimiterRes>;
  get(key: string): Promise<RateLimiterRes | null>;
  delete(key: string): Promise<boolean>;
};

const warned = new Set<string>();
/** One warning per limiter until the store answers again: a database outage must not flood the log. */
function storeFailed(keyPrefix: string, err: unknown) {
  if (warned.has(keyPrefix)) return;
  warned.add(keyPrefix);
  log.warn("rate_limit.store_failed", {
    keyPrefix,
    error: err instanceof Error ? err.message : String(err),
    fallback: "in-memory counts of this instance",
  });
}
function storeAnswered(keyPrefix: string) {
  if (warned.delete(keyPrefix)) log.info("rate_limit.store_recovered", { keyPrefix });
}

type StoredCount = typeof rateLimits.$inferSelect;

/**
 * rate-limiter-flexible's Drizzle store with its three queries written against drizzle-orm imported here: the
 * library loads drizzle's operators with `import(computedName)`, which Next's server bundle cannot resolve
 * ("Cannot find module as expression is too dynamic", seen in the reliability suite), so every call fell to
 * the insurance. The queries are the library's (11.4): an atomic upsert that restarts an expired window.
 */
class DrizzleStore extends RateLimiterDrizzle {
  private readonly db: Db;

  constructor(db: Db, spec: LimitSpec, insurance?: RateLimiterMemory) {
    // Its own hourly clean-up timer also loads drizzle dynamically: ours below, every 5 minutes.
    super({ storeClient: db, schema: rateLimits, ...spec, insuranceLimiter: insurance, clearExpiredByTimeout: false });
    this.db = db;
    setInterval(() => void this.clearExpired(), 5 * 60_000).unref();
  }

  async _upsert(key: string, points: number, msDuration: number, forceExpire = false): Promise<StoredCount> {
    const now = new Date();
    const expire = msDuration > 0 ? new Date(now.getTime() + msDuration) : null;
    // Params mapped through the column, so each driver gets the timestamp in the form it expects.
    const expired = sql`${rateLimits.expire} <= ${sql.param(now, rateLimits.expire)}`;
    const [row] = await this.db
      .insert(rateLimits)
      .values({ key, points, expire })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: forceExpire
          ? { points, expire }
          : {
              points: sql`case when ${expired} then ${points} else ${rateLimits.points} + ${points} end`,
              expire: sql`case when ${expired} then ${sql.param(expire, rateLimits.expire)} else ${rateLimits.expire} end`,
            },
      })
      .returning();
    return row!;
  }

  async _get(key: string): Promise<StoredCount | null> {
    const [row] = await this.db
      .select()
      .from(rateLimits)
      .where(and(eq(rateLimits.key, key), or(gt(rateLimits.expire, new Date()), isNull(rateLimits.expire))))
      .limit(1);
    return row ?? null;
  }

  async _delete(key: string): Promise<boolean> {
    const rows = await this.db.delete(rateLimits).where(eq(rateLimits.key, key)).returning({ key: rateLimits.key });
    return rows.length > 0;
  }

  /** Rows whose window ended over an hour ago (as the library does). */
  private async clearExpired(): Promise<void> {
    await this.db
      .delete(rateLimits)
      .where(lt(rateLimits.expire, new Date(Date.now() - 3_600_000)))
      .catch(() => {});
  }
}

/** The Drizzle store on `rate_limits`. */
function drizzleStore(db: Db, spec: LimitSpec, insurance?: RateLimiterMemory) {
  return new DrizzleStore(db, spec, insurance);
}

/** The store behind a timeout, insured in memory; logs (once) when the insurance answers. */
class InsuredStore extends RLWrapperTimeouts {
  constructor(
    store: RateLimiterDrizzle,
    insurance: RateLimiterMemory,
    timeoutMs: number,
    private readonly label: string,
  ) {
    super({ limiter: store, insuranceLimiter: insurance, timeoutMs });
  }

  // rate-limiter-flexible's hook for a store error (undeclared in its types): a RateLimiterRes is a refusal.
  _handleError(err: unknown, ...rest: unknown[]) {
    if (!(err instanceof RateLimiterRes)) storeFailed(this.label, err);
    // biome-ignore lint/suspicious/noExplicitAny: calling the library's untyped hook
    return (RLWrapperTimeouts.prototype as any)._handleError.call(this, err, ...rest);
  }
}

/** Exact counts in `rate_limits` (a round trip each), answered from memory if the store fails or is slow. */
export function storeLimiter(db: Db, spec: LimitSpec, timeoutMs = 500): Limiter {
  const insurance = new RateLimiterMemory(spec);
  const limiter = new InsuredStore(drizzleStore(db, spec, insurance), insurance, timeoutMs, spec.keyPrefix);
  return {
    consume: (key, points) =>
      limiter.consume(key, points).then((res) => {
        storeAnswered(spec.keyPrefix);
        return res;
      }),
    get: (key) => limiter.get(key),
    delete: (key) => limiter.delete(key),
  };
}

/**
 * Counts in memory (the answer never waits on the database) and syncs with the shared count in batches: every
 * `syncMs` after a count, one upsert per key adds what this instance counted since, and the total it returns
 * (every instance's) becomes this instance's count. On one instance the counts are exact; if the store fails,
 * the memory counts go on alone (the insurance) and the next batch tries again with new counts only.
 */
export class SyncedLimiter implements Limiter {
  readonly points: number;
  private readonly local: RateLimiterMemory;
  private readonly shared: RLWrapperTimeouts;
  private readonly unsynced = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;

  constructor(
    db: Db,
    private readonly spec: LimitSpec,
    private readonly syncMs = 100,
  ) {
    this.points = spec.points;
    this.local = new RateLimiterMemory(spec);
    // No insurance on the store here: a failed sync must fail, not count the batch again in memory.
    this.shared = new RLWrapperTimeouts({ limiter: drizzleStore(db, spec), timeoutMs: 2_000 });
  }

  async consume(key: string, points = 1): Promise<RateLimiterRes> {
    const res = await this.local.consume(key, points); // rejects with a RateLimiterRes past the limit
    this.unsynced.set(key, (this.unsynced.get(key) ?? 0) + points);
    this.timer ??= setTimeout(() => void this.sync(), this.syncMs).unref();
    return res;
  }

  get(key: string): Promise<RateLimiterRes | null> {
    return this.local.get(key);
  }

  async delete(key: string): Promise<boolean> {
    this.unsynced.delete(key);
    await this.local.delete(key);
    return this.shared.delete(key).catch(() => false);
  }

  /** Adds this instance's new counts to the shared rows now (also run by the timer). */
  sync(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.syncing ??= this.syncBatch().finally(() => {
      this.syncing = undefined;
      if (this.unsynced.size) this.timer ??= setTimeout(() => void this.sync(), this.syncMs).unref();
    });
    return this.syncing;
  }

  private async syncBatch(): Promise<void> {
    const batch = [...this.unsynced];
    this.unsynced.clear();
    await Promise.all(
      batch.map(async ([key, counted]) => {
        try {
          // penalty = add points to the shared row (the store's atomic upsert) and read the new total.
          const total = await this.shared.penalty(key, counted);
          storeAnswered(this.spec.keyPrefix);
          if (total.msBeforeNext <= 0) return;
          // Counted meanwhile here, not yet in the total: kept on top of it.
          const since = this.unsynced.get(key) ?? 0;
          await this.local.set(key, total.consumedPoints + since, total.msBeforeNext / 1000);
        } catch (err) {
          storeFailed(this.spec.keyPrefix, err);
        }
      }),
    );
  }
}

/** A limiter for this deployment's database: in memory with PGlite (one process), shared with PostgreSQL. */
export function limiterFor(handle: DbHandle | undefined, spec: LimitSpec, shape: "store" | "synced"): Limiter {
  if (!handle || handle.driver === "pglite") return new RateLimiterMemory(spec);
  return shape === "store" ? storeLimiter(handle.db, spec) : new SyncedLimiter(handle.db, spec);
}
