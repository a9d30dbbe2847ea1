import { inngestLeaseMs } from "@/inngest/lease";
import { InngestTestEngine } from "@inngest/test";
import { eq, inArray } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { events } from "@/db/schema";
import type { Actor } from "@/lib/auth/roles";
import { bulkReplay } from "@/lib/commands/replay";
import { env, resetEnvCache } from "@/lib/env";
import { storeEvent } from "@/lib/ingest/store";
import { appEvent, type Harness, startHarness, uid } from "@/test/harness";
import {
  type ReceivedPayload,
  SEND_BATCH_SIZE,
  type Schedule,
  sendInBatches,
  setInngestSchedule,
  setInngestSend,
} from "../send";
import { DEFAULT_HUBSPOT_THROTTLE, throttleFromRateLimit } from "../throttle";
import { processEventFunction } from "./event-pipeline";
import { sweepEventsFunction } from "./sweep-events";

let h: Harness;
const savedEnv = { JOBS_DRIVER: process.env.JOBS_DRIVER, INNGEST_DEV: process.env.INNGEST_DEV };

beforeAll(async () => {
  h = await startHarness();
  process.env.JOBS_DRIVER = "inngest";
  process.env.INNGEST_DEV = "1";
  resetEnvCache();
  expect(env.JOBS_DRIVER).toBe("inngest");
});
afterEach(() => {
  setInngestSend(undefined);
  setInngestSchedule(undefined);
});
afterAll(async () => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
  await h?.close();
});

/** A recording double of `inngest.send`: one entry per API call. */
function recordingSend() {
  const calls: ReceivedPayload[][] = [];
  setInngestSend(async (payloads) => {
    calls.push(payloads);
    return { ids: payloads.map((p) => p.id ?? "") };
  });
  return calls;
}

async function storedSignup(userId = uid("u")) {
  const e = appEvent("user.signed_up", { userId, email: `${userId}@example.com` });
  const row = await storeEvent(h.db, {
    source: "app",
    externalId: e.id,
    type: e.type,
    rawBody: JSON.stringify(e),
    occurredAt: new Date(),
  });
  return { userId, eventId: row.id };
}

const sweep = () =>
  new InngestTestEngine({
    function: sweepEventsFunction,
    events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } }],
    // step.sendEvent would call the Inngest API (no event key here): its result is mocked, its input recorded.
    steps: [0, 1, 2].map((i) => ({ id: `resend-${i}`, handler: () => ({ ids: [] }) })),
  }).execute();

/** Every payload the sweeper handed to step.sendEvent in one run. */
function sweptPayloads(ctx: { step: { sendEvent: unknown } }): ReceivedPayload[] {
  const spy = ctx.step.sendEvent as { mock: { calls: [string, ReceivedPayload[]][] } };
  return spy.mock.calls.flatMap(([, payloads]) => payloads);
}

describe("sweeper (Inngest cron)", () => {
  it("re-sends a `processing` event past the lease with a reclaim id and its customer key; the new run takes it over", async () => {
    const leaseMs = inngestLeaseMs();
    const orphan = await storedSignup();
    const busy = await storedSignup();
    const waiting = await storedSignup();
    // The orphan's run died after its claim: no heartbeat since well before the lease.
    await h.db
      .update(events)
      .set({ status: "processing", attempts: 1, updatedAt: new Date(Date.now() - leaseMs - 10_000) })
      .where(eq(events.id, orphan.eventId));
    // A live run (a fresh heartbeat) is left alone.
    await h.db
      .update(events)
      .set({ status: "processing", attempts: 1, updatedAt: new Date() })
      .where(eq(events.id, busy.eventId));
    // A `received` event whose send never happened is re-sent too, with its row id (Inngest dedupe).
    await h.db
      .update(events)
      // Stored 5 minutes ago and untouched since (a held-back claim would have stamped updated_at).
      .set({ receivedAt: new Date(Date.now() - 5 * 60_000), updatedAt: new Date(Date.now() - 5 * 60_000) })
      .where(eq(events.id, waiting.eventId));

    const { ctx, result, error } = await sweep();
    expect(error).toBeUndefined();
    const sent = sweptPayloads(ctx);
    const byEvent = new Map(sent.map((p) => [p.data.eventId, p]));
    expect(byEvent.has(busy.eventId)).toBe(false);
    const reclaim = byEvent.get(orphan.eventId);
    expect(reclaim).toMatchObject({
      name: "ops/event.received",
      data: { eventId: orphan.eventId, customerKey: `app:${orphan.userId}`, mode: "deliver" },
    });
    // Not the first delivery's id: Inngest would drop that one as a duplicate.
    expect(reclaim!.id).toMatch(new RegExp(`^${orphan.eventId}:reclaim:1:`));
    expect(byEvent.get(waiting.eventId)).toMatchObject({
      id: waiting.eventId,
      data: { eventId: waiting.eventId, customerKey: `app:${waiting.userId}`, mode: "deliver" },
    });
    expect(result).toMatchObject({ resent: sent.length });
    expect((result as { reclaimed: number }).reclaimed).toBeGreaterThanOrEqual(1);

    // The re-sent event's run claims the expired lease and finishes the event.
    const run = await new InngestTestEngine({
      function: processEventFunction,
      events: [{ name: reclaim!.name, data: reclaim!.data }],
    }).execute();
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ status: "succeeded" });
    const [row] = await h.db.select().from(events).where(eq(events.id, orphan.eventId));
    expect(row).toMatchObject({ status: "succeeded", attempts: 2 });
  });
});

describe("bulk replay (JOBS_DRIVER=inngest)", () => {
  const actor: Actor = { id: null, email: "ops@example.com", role: "admin", via: "api-token" };

  it(`sends N failed events in ceil(N / ${SEND_BATCH_SIZE}) calls, each event once, as a replay`, async () => {
    const n = 2 * SEND_BATCH_SIZE + 1;
    const rows = Array.from({ length: n }, () => {
      const userId = uid("u");
      const e = appEvent("user.signed_up", { userId, email: `${userId}@example.com` });
      return {
        source: "app" as const,
        externalId: e.id,
        type: e.type,
        rawBody: JSON.stringify(e),
        correlationId: uid("corr"),
        status: "failed" as const,
        lastError: "sync-crm: hubspot 503",
      };
    });
    const inserted = await h.db.insert(events).values(rows).returning({ id: events.id });
    const ids = inserted.map((r) => r.id);
    const calls = recordingSend();

    const answer = await bulkReplay(h.db, actor, { ids });
    expect(answer.queued).toBe(n);
    expect(calls).toHaveLength(Math.ceil(n / SEND_BATCH_SIZE));
    expect(calls.map((c) => c.length)).toEqual([SEND_BATCH_SIZE, SEND_BATCH_SIZE, 1]);
    const sent = calls.flat();
    expect(new Set(sent.map((p) => p.data.eventId))).toEqual(new Set(ids));
    // Each replay sends under its own id (a later replay of the same events is not a duplicate); deliver mode
    // skips the steps that already succeeded.
    expect(sent.every((p) => p.id === `${p.data.eventId}:replay:${answer.replayId}` && p.data.mode === "deliver")).toBe(
      true,
    );
    expect(sent.every((p) => p.data.customerKey.startsWith("app:"))).toBe(true);
    // Nothing was claimed here: the rows wait, re-queued, for their Inngest runs (the sweeper is the safety net).
    const after = await h.db.select({ status: events.status }).from(events).where(inArray(events.id, ids));
    expect(after.every((r) => r.status === "received")).toBe(true);
  });

  it("10,000 events are 20 calls; a failed call is logged and the other batches are still sent", async () => {
    const payloads: ReceivedPayload[] = Array.from({ length: 10_000 }, (_, i) => ({
      name: "ops/event.received",
      data: { eventId: `e${i}`, customerKey: `k${i}`, mode: "replay-failed" },
    }));
    let calls = 0;
    const result = await sendInBatches(payloads, {
      send: async () => {
        calls++;
        if (calls === 3) throw new Error("Inngest API 502");
      },
    });
    expect(calls).toBe(20);
    expect(result).toEqual({ calls: 20, unsent: SEND_BATCH_SIZE });
  });
});

describe("throttle on process-event", () => {
  it("mirrors the HubSpot budget (100 calls / 10 s), unkeyed; one customer's order comes from the concurrency key", () => {
    const opts = processEventFunction.opts;
    expect(opts.throttle).toEqual({ limit: 100, period: "10s" });
    expect(opts.throttle).not.toHaveProperty("key");
    expect(opts.concurrency).toEqual([{ key: "event.data.customerKey", limit: 1 }]);
  });

  it("is part of the configuration synced to Inngest", () => {
    const getConfig = (
      processEventFunction as unknown as {
        getConfig: (o: { baseUrl: URL; appPrefix: string }) => { throttle?: unknown; concurrency?: unknown }[];
      }
    ).getConfig.bind(processEventFunction);
    const [config] = getConfig({
      baseUrl: new URL("http://127.0.0.1:3000/api/inngest"),
      appPrefix: "founder-ops-console",
    });
    expect(config!.throttle).toEqual({ limit: 100, period: "10s" });
    expect(config!.concurrency).toEqual([{ key: "event.data.customerKey", limit: 1 }]);
  });

  it("reads HUBSPOT_RATE_LIMIT (`<calls>/<n>s|m`) and falls back to 100/10s", () => {
    expect(throttleFromRateLimit(undefined)).toEqual(DEFAULT_HUBSPOT_THROTTLE);
    expect(throttleFromRateLimit("190/10s")).toEqual({ limit: 190, period: "10s" });
    expect(throttleFromRateLimit("600/1m")).toEqual({ limit: 600, period: "60s" });
    expect(throttleFromRateLimit("lots")).toEqual(DEFAULT_HUBSPOT_THROTTLE);
    expect(throttleFromRateLimit("0/10s")).toEqual(DEFAULT_HUBSPOT_THROTTLE);
  });
});

describe("webhook enqueue (JOBS_DRIVER=inngest)", () => {
  it("answers 200 first and sends to Inngest after the response", async () => {
    const calls = recordingSend();
    const scheduled: (() => Promise<unknown>)[] = [];
    const afterResponse: Schedule = (work) => void scheduled.push(work);
    setInngestSchedule(afterResponse);
    const userId = uid("u");
    const answer = await h.postApp(appEvent("user.signed_up", { userId, email: `${userId}@example.com` }));
    expect(answer.status).toBe(200);
    // The response is out, and nothing was sent yet: the send waits for `after()`.
    expect(calls).toHaveLength(0);
    expect(scheduled).toHaveLength(1);
    await scheduled[0]!();
    const eventId = answer.body.id as string;
    expect(calls).toEqual([
      [
        {
          id: eventId,
          name: "ops/event.received",
          data: { eventId, customerKey: `app:${userId}`, mode: "deliver" },
        },
      ],
    ]);
    // The row stays the outbox until a run claims it.
    const [row] = await h.db.select().from(events).where(eq(events.id, eventId));
    expect(row!.status).toBe("received");
  });

  it("a hung Inngest API never delays the answer (outside a request scope too)", async () => {
    let sendStarted = false;
    setInngestSend(() => {
      sendStarted = true;
      return new Promise(() => {}); // never answers
    });
    const userId = uid("u");
    const answer = await h.postApp(appEvent("user.signed_up", { userId, email: `${userId}@example.com` }));
    expect(answer.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(sendStarted).toBe(true);
  });
});
