// Sending stored events to Inngest (JOBS_DRIVER=inngest): `ops/event.received` with the event row id and the
// customer's serialisation key. A webhook's send happens after the response (`after()` from next/server), so a
// slow Inngest API never delays the 200; the events row is the outbox and the sweeper cron re-sends anything
// never sent. Many events (a bulk replay, a backfill) go in batches of SEND_BATCH_SIZE per API call.
// The send and the after-response scheduler can be replaced (tests).
import { after } from "next/server";
import type { Db } from "@/db";
import type { NextInLine, SchedulableEvent } from "@/db/queries/event-processing";
import { serialisationKeys } from "@/lib/jobs/keys";
import { log } from "@/lib/log";
import type { ProcessMode } from "@/lib/pipeline/engine/process-event";

/** Events per `inngest.send([...])` call: well under Inngest's payload limit (these events are ~200 bytes). */
export const SEND_BATCH_SIZE = 500;

export type ReceivedPayload = {
  /** Inngest drops a second event with the same id (24 h): a delivery has the row id, a replay none. */
  id?: string;
  name: "ops/event.received";
  data: { eventId: string; customerKey: string; mode: ProcessMode };
};
export type InngestSend = (payloads: ReceivedPayload[]) => Promise<unknown>;
export type Schedule = (work: () => Promise<unknown>) => void;

const defaultSend: InngestSend = async (payloads) => {
  const { inngest } = await import("./client");
  return inngest.send(payloads);
};

/** Runs work after the response when inside a request (Next's `after`), else right away without waiting. */
const defaultSchedule: Schedule = (work) => {
  try {
    after(work);
  } catch {
    void work();
  }
};

const globalForSend = globalThis as unknown as { __opsInngestSend?: InngestSend; __opsInngestSchedule?: Schedule };

/** Replaces the Inngest client's send (tests); undefined restores it. */
export function setInngestSend(send: InngestSend | undefined): void {
  globalForSend.__opsInngestSend = send;
}

/** Replaces the after-response scheduler (tests); undefined restores Next's `after`. */
export function setInngestSchedule(schedule: Schedule | undefined): void {
  globalForSend.__opsInngestSchedule = schedule;
}

const send: InngestSend = (payloads) => (globalForSend.__opsInngestSend ?? defaultSend)(payloads);
const schedule: Schedule = (work) => (globalForSend.__opsInngestSchedule ?? defaultSchedule)(work);

export function chunks<T>(items: T[], size = SEND_BATCH_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Sends the payloads, SEND_BATCH_SIZE per call, one call after the other. A failed batch is logged and the
 * others are still sent. Answers how many calls were made and how many payloads could not be sent.
 */
export async function sendInBatches(
  payloads: ReceivedPayload[],
  opts: { send?: InngestSend; size?: number } = {},
): Promise<{ calls: number; unsent: number }> {
  let calls = 0;
  let unsent = 0;
  for (const batch of chunks(payloads, opts.size ?? SEND_BATCH_SIZE)) {
    calls++;
    try {
      await (opts.send ?? send)(batch);
    } catch (err) {
      unsent += batch.length;
      log.error("jobs.enqueue_failed", {
        eventIds: batch.slice(0, 10).map((p) => p.data.eventId),
        count: batch.length,
        error: err,
      });
    }
  }
  return { calls, unsent };
}

/**
 * The Inngest event id of a send: a delivery's is the row id (a retried send is dropped); a replay's has none
 * (it must run again); a bulk replay names its own (`bulkReplaySendId`), so a retried send of
 * the same bulk replay is dropped but the event's first delivery does not shadow it.
 */
export type SendIdOf = (event: SchedulableEvent, mode: ProcessMode) => string | undefined;
const defaultIdOf: SendIdOf = (e, mode) => (mode === "deliver" ? e.id : undefined);

/** The Inngest event id of one event's send for a bulk replay. */
export const bulkReplaySendId = (replayId: string) => (e: SchedulableEvent) => `${e.id}:replay:${replayId}`;

/** The `ops/event.received` payloads of stored events, with their customers' serialisation keys. */
export async function receivedPayloads(
  db: Db,
  events: SchedulableEvent[],
  mode: ProcessMode,
  idOf: SendIdOf = defaultIdOf,
): Promise<ReceivedPayload[]> {
  const keys = await serialisationKeys(db, events);
  return events.map((e) => ({
    id: idOf(e, mode),
    name: "ops/event.received" as const,
    data: { eventId: e.id, customerKey: keys.get(e.id) ?? e.id, mode },
  }));
}

/**
 * Sends stored events to Inngest now, in batches. Never throws: a delivery's (or a bulk replay's) row stays
 * `received`, and the sweeper cron re-sends it.
 */
export async function sendToInngest(
  db: Db,
  events: SchedulableEvent[],
  mode: ProcessMode,
  idOf?: SendIdOf,
): Promise<{ calls: number; unsent: number }> {
  if (!events.length) return { calls: 0, unsent: 0 };
  try {
    return await sendInBatches(await receivedPayloads(db, events, mode, idOf));
  } catch (err) {
    log.error("jobs.enqueue_failed", {
      eventIds: events.slice(0, 10).map((e) => e.id),
      count: events.length,
      error: err,
    });
    return { calls: 0, unsent: events.length };
  }
}

/**
 * A webhook's enqueue: schedules the send after the response and returns at once. If the send fails or the
 * process dies first, the row stays `received` and the sweeper cron re-sends it.
 */
export function sendAfterResponse(db: () => Promise<Db>, event: SchedulableEvent, mode: ProcessMode): void {
  schedule(() =>
    db()
      .then((d) => sendToInngest(d, [event], mode))
      .catch((err) => log.error("jobs.enqueue_failed", { eventIds: [event.id], count: 1, error: err })),
  );
}

/**
 * The re-send of a customer's next event once the one before it finished (its own run may have ended
 * `waiting`). Its id names the finished event and that run's claim: a retried finish is dropped by Inngest,
 * while the first delivery's id (the row id, already taken) does not shadow it.
 */
export function handOverPayload(next: NextInLine, finishedId: string, attempts: number | undefined): ReceivedPayload {
  return {
    id: `${next.id}:after:${finishedId}:${attempts ?? 0}`,
    name: "ops/event.received",
    data: { eventId: next.id, customerKey: next.customerKey, mode: "deliver" },
  };
}

/** Sends the hand-over now (outside a step: a failure recorded inside one). Never throws: the sweeper is the net. */
export async function sendHandOver(next: NextInLine, finishedId: string, attempts: number | undefined): Promise<void> {
  await sendInBatches([handOverPayload(next, finishedId, attempts)]);
}
