// One run at a time of a named periodic job (the operations tick, the scheduled Stripe backfill) across every
// instance of the deployment. With PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) taken on a
// connection reserved for the run and released after it, rather than `pg_try_advisory_xact_lock`, which
// would need one transaction open for the whole run: these jobs make network calls (Stripe, HubSpot, a
// webhook) for seconds, and a transaction idle that long holds back vacuum and meets
// idle_in_transaction_session_timeout; their own queries go through the pool anyway, outside it. If the
// instance dies mid-run its connection closes and PostgreSQL drops the lock: nothing stale to clean up.
// With the embedded PGlite the process is the database's only user: only this process's overlapping runs
// (a timer firing while the last run still works) are kept apart.
import { createHash } from "node:crypto";
import type { Db } from "@/db";
import { log } from "@/lib/log";

export type SingletonResult<T> = { ran: true; value: T } | { ran: false };

type ReservedSql = {
  <R = Record<string, unknown>>(strings: TemplateStringsArray, ...values: unknown[]): Promise<R[]>;
  release(): void;
};
type PostgresClient = { reserve(): Promise<ReservedSql> };

/** postgres-js's client (drizzle's `$client` with PostgreSQL) can reserve a connection; PGlite's cannot. */
function postgresClient(db: Db): PostgresClient | undefined {
  const client = (db as unknown as { $client?: Partial<PostgresClient> }).$client;
  return typeof client?.reserve === "function" ? (client as PostgresClient) : undefined;
}

/** The advisory lock's 64-bit key for a job name (stable across instances and releases). */
export function singletonLockKey(name: string): string {
  const hex = createHash("sha256").update(`ops-console:${name}`).digest("hex").slice(0, 16);
  return BigInt.asIntN(64, BigInt(`0x${hex}`)).toString();
}

const runningHere = new WeakMap<Db, Set<string>>();

/**
 * Runs `fn` unless a run of `name` holds the lock already (on another instance, or still here): then it
 * answers `{ ran: false }` at once, without waiting. The lock is released however `fn` ends (a throw too).
 */
export async function withSingleton<T>(db: Db, name: string, fn: () => Promise<T>): Promise<SingletonResult<T>> {
  const pg = postgresClient(db);
  if (!pg) {
    const running = runningHere.get(db) ?? new Set<string>();
    runningHere.set(db, running);
    if (running.has(name)) return { ran: false };
    running.add(name);
    try {
      return { ran: true, value: await fn() };
    } finally {
      running.delete(name);
    }
  }
  const key = singletonLockKey(name);
  const conn = await pg.reserve();
  try {
    const [row] = await conn<{ locked: boolean }>`select pg_try_advisory_lock(${key}::bigint) as locked`;
    if (!row?.locked) return { ran: false };
    try {
      return { ran: true, value: await fn() };
    } finally {
      // A failed unlock leaves the lock on a pooled connection: worth an error (a broken connection drops it).
      await conn`select pg_advisory_unlock(${key}::bigint)`.catch((err) =>
        log.error("singleton.unlock_failed", { name, error: err instanceof Error ? err.message : String(err) }),
      );
    }
  } finally {
    conn.release();
  }
}
