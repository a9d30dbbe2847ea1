// The processing lease of the inline driver. A claimed event is `processing` with `updated_at` as its
// heartbeat: while this process runs it, one statement every lease/3 renews the lease of every event it
// holds, so a step may take longer than the lease; when the process dies the beats stop, and after the
// lease another worker (or this one, restarted) reclaims the event. The claim's `attempts` is the fencing
// token: a beat renews only the claim this process made, never one another worker took over.
import type { Db } from "@/db";
import { renewLeases } from "@/db/queries/event-processing";
import { log } from "@/lib/log";
import type { LeaseKeeper } from "@/lib/pipeline/engine/process-event";

export type HeartbeatOptions = {
  db: () => Promise<Db>;
  /** The lease; the heartbeat beats every third of it. */
  leaseMs: number;
};

export class Heartbeat implements LeaseKeeper {
  /** Event id → the claim's attempts. */
  private readonly held = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  readonly everyMs: number;

  constructor(private readonly opts: HeartbeatOptions) {
    this.everyMs = Math.max(50, Math.floor(opts.leaseMs / 3));
  }

  hold(eventId: string, attempts: number): () => void {
    this.held.set(eventId, attempts);
    if (!this.timer) {
      this.timer = setInterval(() => void this.beat(), this.everyMs);
      this.timer.unref();
    }
    return () => {
      if (this.held.get(eventId) === attempts) this.held.delete(eventId);
      if (this.held.size === 0) this.stop();
    };
  }

  /** The events whose lease this process keeps. */
  holding(): string[] {
    return [...this.held.keys()];
  }

  /** Renews every held lease now (the timer calls it; tests may too). One beat at a time. */
  beat(): Promise<void> {
    this.beating ??= this.renew().finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  private async renew(): Promise<void> {
    const held = [...this.held].map(([id, attempts]) => ({ id, attempts }));
    if (!held.length) return;
    let renewed: Set<string>;
    try {
      renewed = new Set(await renewLeases(await this.opts.db(), held, new Date()));
    } catch (err) {
      // The next beat tries again; two beats missed in a row still leave a third of the lease.
      log.warn("lease.heartbeat_failed", { count: held.length, error: err });
      return;
    }
    for (const h of held) {
      if (renewed.has(h.id) || this.held.get(h.id) !== h.attempts) continue;
      // Not renewed while still held: either it finished in between (released a moment later) or another
      // worker reclaimed it after our lease ran out (this process stalled). Stop renewing it either way.
      this.held.delete(h.id);
      log.debug("lease.not_renewed", { eventId: h.id, attempts: h.attempts });
    }
    if (this.held.size === 0) this.stop();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
