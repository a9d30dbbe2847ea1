// The inline jobs driver: runs the pipeline in this process, at most N events at once, one at a time per
// customer, and a sweeper that re-drives events left `received`/`processing` after a crash or restart.
// Order across instances is the claim's (db/queries/event-processing.ts): an event of a customer whose earlier
// event runs elsewhere comes back `waiting`; the run that finishes that earlier event hands the customer's
// next one over (here, or on the other instance), and a waiting event is tried again after WAIT_RETRY_MS in
// case the hand-over crossed its claim. The per-key chain below only saves claims that would wait.
import pLimit from "p-limit";
import type { Db } from "@/db";
import { unfinishedEvents } from "@/db/queries/event-processing";
import type { Services } from "@/lib/integrations";
import { log } from "@/lib/log";
import {
  processEvent,
  type ProcessMode,
  type ProcessOutcome,
  staleBefore as staleBeforeOf,
} from "@/lib/pipeline/engine/process-event";
import type { RetryPolicy } from "@/lib/pipeline/engine/retry";
import type { NextInLine } from "@/db/queries/event-processing";
import { chainKeys } from "./keys";
import { Heartbeat } from "./lease";
import { withSingleton } from "./singleton";

export type InlineRunnerOptions = {
  db: () => Promise<Db>;
  services: () => Services;
  concurrency?: number;
  retry?: RetryPolicy;
  /**
   * The lease: an event `processing` with no heartbeat for this long is presumed orphaned by a crash. While
   * this runner holds an event it renews the lease every third of it (./lease.ts).
   */
  staleAfterMs?: number;
  /**
   * Whether this process is the database's only user (embedded PGlite, locked to one process): then every
   * event `processing` or `received` before it opened the database is orphaned, and resumed at once.
   */
  exclusive?: () => Promise<boolean>;
};

export const DEFAULT_LEASE_MS = 20_000;
/**
 * A waiting event is claimed again this long after, once: the hand-over from its blocker's finish can miss it
 * when both commit at the same moment. Longer waits are the sweeper's (every quarter of the lease).
 */
export const WAIT_RETRY_MS = 1_000;

export class InlineRunner {
  private readonly limit;
  private readonly customerChains = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<string>();
  /** Waiting events with a retry due (idle() waits for them too). */
  private readonly retrying = new Set<string>();
  /** Resolves when the last run's key is known (keys are admitted in call order). */
  private admission: Promise<unknown> = Promise.resolve();
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly leaseMs: number;
  readonly heartbeat: Heartbeat;
  private floor: Promise<Date | undefined> | undefined;
  /** Hands a finished event's successor to this runner (the engine calls it with the outcome). */
  private readonly handOver = (next: NextInLine) => void this.run(next.id, next.customerKey);

  constructor(private readonly opts: InlineRunnerOptions) {
    this.limit = pLimit(opts.concurrency ?? 8);
    this.leaseMs = opts.staleAfterMs ?? DEFAULT_LEASE_MS;
    this.heartbeat = new Heartbeat({ db: opts.db, leaseMs: this.leaseMs });
  }

  /**
   * With an exclusive database, the time this runner first had it: rows left `processing`/`received` before
   * then belong to a process that is gone. Undefined when other processes may share the database.
   */
  orphanedBefore(): Promise<Date | undefined> {
    this.floor ??= this.opts
      .db()
      .then(async () => ((await this.opts.exclusive?.()) ? new Date() : undefined))
      .catch((err) => {
        this.floor = undefined;
        throw err;
      });
    return this.floor;
  }

  /**
   * Runs an event now (within the concurrency limit), after any earlier event of the same customer. The key
   * may still be looked up: keys are admitted in call order, so one customer's events keep their order.
   */
  run(
    eventId: string,
    customerKey: string | null | Promise<string | null>,
    mode: ProcessMode = "deliver",
    retryWaiting = true,
  ): Promise<ProcessOutcome> {
    if (this.inFlight.has(eventId)) return Promise.resolve({ status: "not-claimed" });
    this.inFlight.add(eventId);
    const keyReady = this.admission.then(() => customerKey);
    this.admission = keyReady.then(
      () => undefined,
      () => undefined,
    );
    return keyReady
      .then((key) => this.chain(eventId, key, mode, retryWaiting))
      .catch((err) => {
        log.error("event.crashed", { eventId, error: err });
        return { status: "failed", error: String(err) } as ProcessOutcome;
      })
      .finally(() => this.inFlight.delete(eventId));
  }

  private chain(
    eventId: string,
    customerKey: string | null,
    mode: ProcessMode,
    retryWaiting: boolean,
  ): Promise<ProcessOutcome> {
    const task = () =>
      this.limit(async () =>
        processEvent(await this.opts.db(), eventId, {
          services: this.opts.services(),
          mode,
          retry: this.opts.retry,
          staleAfterMs: this.leaseMs,
          orphanedBefore: await this.orphanedBefore(),
          lease: this.heartbeat,
          handOver: this.handOver,
        }),
      ).then((outcome) => {
        if (outcome.status === "waiting" && retryWaiting) this.retryLater(eventId, customerKey, mode);
        return outcome;
      });
    const previous = customerKey ? (this.customerChains.get(customerKey) ?? Promise.resolve()) : Promise.resolve();
    const result = previous.catch(() => undefined).then(task);
    if (customerKey) {
      const chained = result.catch(() => undefined);
      this.customerChains.set(customerKey, chained);
      void chained.then(() => {
        if (this.customerChains.get(customerKey) === chained) this.customerChains.delete(customerKey);
      });
    }
    return result;
  }

  private retryLater(eventId: string, customerKey: string | null, mode: ProcessMode) {
    this.retrying.add(eventId);
    setTimeout(() => {
      this.retrying.delete(eventId);
      void this.run(eventId, customerKey, mode, false);
    }, WAIT_RETRY_MS).unref();
  }

  /**
   * Finds events that were stored but never finished, and runs them: `received` for over `olderThanMs` (a lost
   * enqueue), `processing` with no heartbeat for the lease (a crashed holder); with an exclusive database, every
   * one left from before this process opened it. Returns how many it re-drove.
   */
  async sweep(olderThanMs = 5_000): Promise<number> {
    const db = await this.opts.db();
    const floor = await this.orphanedBefore();
    const now = Date.now();
    const receivedBefore = new Date(Math.max(now - olderThanMs, floor?.getTime() ?? 0));
    const staleBefore = staleBeforeOf(this.leaseMs, floor, now);
    const rows = await unfinishedEvents(db, { receivedBefore, staleBefore, limit: 500 });
    const fresh = rows.filter((r) => !this.inFlight.has(r.id));
    if (fresh.length) log.info("sweeper.redrive", { count: fresh.length });
    const keys = chainKeys(fresh);
    // No retry of its own for a waiting one: the next sweep re-drives it.
    await Promise.all(fresh.map((r) => this.run(r.id, keys.get(r.id) ?? null, "deliver", false)));
    return fresh.length;
  }

  /** Sweeps now, then every `everyMs` (by default a quarter of the lease, between 1 and 15 s). */
  startSweeper(everyMs = Math.min(15_000, Math.max(1_000, Math.floor(this.leaseMs / 4)))): void {
    if (this.sweepTimer) return;
    // One sweeper at a time across instances (the others skip this round): lib/jobs/singleton.ts.
    const tick = () =>
      void this.opts
        .db()
        .then((db) => withSingleton(db, "sweeper", () => this.sweep()))
        .catch((err) => log.error("sweeper.failed", { error: err }));
    tick();
    this.sweepTimer = setInterval(tick, everyMs);
    this.sweepTimer.unref();
  }

  stopSweeper(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  /** Waits until nothing is running (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.retrying.size > 0) await new Promise((r) => setTimeout(r, 20));
  }
}
