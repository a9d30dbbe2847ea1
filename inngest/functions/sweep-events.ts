// Every minute: re-send events that were stored but never finished.
// - `received` a minute after they arrived (a lost send, a crash before it, a send after the response that
//   never ran): re-sent with the event row id, so Inngest drops it if the first one did get through.
// - `processing` with no heartbeat (events.updated_at, beaten at the claim and as each step ends) for
//   the Inngest lease (inngest/lease.ts: JOBS_STALE_AFTER_SECONDS, at least 10 minutes): the run died or was lost. Re-sent with an id of its own (the row id is already
//   taken by the first delivery); the new run's claim takes over the expired lease and re-runs only the steps
//   that did not succeed. The id names the claim count and the lease period, so one stuck state is re-sent
//   at most once per lease.
// - `received` after a claim held it back behind an earlier event of its customer (its run ended `waiting`,
//   and the hand-over from that event's finish did not get it going): re-sent once a sweep with an id naming
//   the minute, since its row id was used by the run that waited.
// Each re-send carries the customer's serialisation key, so it queues behind that customer's other events.
import { inngestLeaseMs } from "@/inngest/lease";
import { cron } from "inngest";
import { getDb } from "@/db";
import { heldBackEvents } from "@/db/queries/event-processing";
import { type SweepCandidate, sweepCandidates } from "@/db/queries/inngest-sweep";
import { serialisationKeys } from "@/lib/jobs/keys";
import { inngest } from "../client";
import { chunks, type ReceivedPayload } from "../send";

/** A `received` event is re-sent once it has waited this long for its first send's run. */
export const RECEIVED_GRACE_MS = 60_000;
export const SWEEP_LIMIT = 1000;

/** The Inngest event id of a re-send: the row id for a waiting event, a reclaim id for an orphaned run. */
export function resendId(
  row: Pick<SweepCandidate, "id" | "status" | "attempts">,
  now: number,
  leaseMs: number,
  heldBack = false,
) {
  if (row.status === "processing") return `${row.id}:reclaim:${row.attempts}:${Math.floor(now / leaseMs)}`;
  if (heldBack) return `${row.id}:waited:${row.attempts}:${Math.floor(now / RECEIVED_GRACE_MS)}`;
  // Re-queued by a bulk replay (received again after a run): a new id, or Inngest would drop the re-send as
  // a duplicate of the first delivery for 24 hours.
  return row.attempts > 0 ? `${row.id}:requeued:${row.attempts}` : row.id;
}

export const sweepEventsFunction = inngest.createFunction(
  { id: "sweep-events", triggers: [cron("* * * * *")], retries: 1, concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const resend = await step.run("find-waiting", async () => {
      const db = await getDb();
      const now = Date.now();
      const leaseMs = inngestLeaseMs();
      const rows = await sweepCandidates(db, {
        receivedBefore: new Date(now - RECEIVED_GRACE_MS),
        staleBefore: new Date(now - leaseMs),
        limit: SWEEP_LIMIT,
      });
      const keys = await serialisationKeys(db, rows);
      const held = await heldBackEvents(
        db,
        // Never claimed (attempts 0), yet stamped: only a held-back claim does that. A bulk replay's re-queued
        // rows are stamped too; they keep their `requeued` id, so a long throttle queue is not sent twice.
        rows.filter((r) => r.status === "received" && r.attempts === 0).map((r) => r.id),
      );
      return rows.map(
        (r): ReceivedPayload => ({
          id: resendId(r, now, leaseMs, held.has(r.id)),
          name: "ops/event.received",
          data: { eventId: r.id, customerKey: keys.get(r.id) ?? r.id, mode: "deliver" },
        }),
      );
    });
    const batches = chunks(resend);
    for (const [i, batch] of batches.entries()) await step.sendEvent(`resend-${i}`, batch);
    return {
      resent: resend.length,
      reclaimed: resend.filter((p) => p.id !== p.data.eventId).length,
    };
  },
);
