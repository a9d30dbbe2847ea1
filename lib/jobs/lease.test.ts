// The processing lease: a heartbeat keeps it while a slow step runs, so a short lease never lets another worker
// run the event a second time; a holder that died is reclaimed after the lease; with the embedded database (one
// process) a restart resumes what the previous process left at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import * as control from "@/sandbox/client";
import { events, eventSteps } from "@/db/schema";
import { finishEvent, renewLeases } from "@/db/queries/event-processing";
import { storeEvent } from "@/lib/ingest/store";
import { claimEvent, processEvent } from "@/lib/pipeline/engine/process-event";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { InlineRunner } from "./inline";

let h: Harness;
beforeAll(async () => {
  // Client timeout above the slow step's 2 s, so the step is slow, not retried.
  h = await startHarness({ timeoutMs: 5_000 });
});
afterAll(() => h?.close());

const NO_RETRY = { retries: 0, minTimeoutMs: 10, maxTimeoutMs: 10 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function store(userId = uid("u")) {
  const e = appEvent("user.signed_up", { userId, email: `${userId}@example.com` });
  return (
    await storeEvent(h.db, {
      source: "app",
      externalId: e.id,
      type: e.type,
      rawBody: JSON.stringify(e),
      occurredAt: new Date(),
    })
  ).id;
}

const eventRow = async (id: string) => (await h.db.select().from(events).where(eq(events.id, id)))[0]!;
const syncStep = async (id: string) =>
  (await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, id))).find((s) => s.step === "sync-crm");

/** Another worker on the same database (as a second instance on PostgreSQL would be). */
const worker = (leaseMs: number, exclusive = false) =>
  new InlineRunner({
    db: async () => h.db,
    services: () => h.services,
    retry: { retries: 0, minTimeoutMs: 10, maxTimeoutMs: 10 },
    staleAfterMs: leaseMs,
    exclusive: async () => exclusive,
  });

describe("processing lease", () => {
  it("keeps a step slower than the lease to its holder: a concurrent sweep or claim does not run it again", {
    timeout: 30_000,
  }, async () => {
    const lease = 600;
    const holder = worker(lease);
    const other = worker(lease);
    const id = await store();
    await control.fault(h.sandbox.hubspot, { kind: "latency", latencyMs: 2_500, path: "/crm/v3/objects/contacts" });
    const running = holder.run(id, null);
    // Four leases later the step is still running; the heartbeat kept the lease.
    await sleep(4 * lease);
    expect((await eventRow(id)).status).toBe("processing");
    expect(Date.now() - (await eventRow(id)).updatedAt.getTime()).toBeLessThan(lease);
    expect(await other.sweep(0)).toBe(0);
    expect(await other.run(id, null)).toEqual({ status: "not-claimed" });
    expect(await running).toEqual({ status: "succeeded" });
    const row = await eventRow(id);
    expect(row.attempts).toBe(1);
    expect((await syncStep(id))!.attempts).toBe(1);
    expect(holder.heartbeat.holding()).toEqual([]);
  });

  it("reclaims an event whose holder died (no heartbeat) once the lease has run out, not before", {
    timeout: 30_000,
  }, async () => {
    const lease = 600;
    const id = await store();
    // A worker claims the event and dies before running it: nobody renews its lease.
    expect(await claimEvent(h.db, id, "deliver", lease)).toBeDefined();
    const other = worker(lease);
    expect(await other.sweep(0)).toBe(0);
    await sleep(lease + 100);
    expect(await other.sweep(0)).toBe(1);
    const row = await eventRow(id);
    expect(row.status).toBe("succeeded");
    expect(row.attempts).toBe(2);
  });

  it("renews only the claim it made: an event reclaimed by another worker is dropped from the heartbeat", async () => {
    const id = await store();
    const first = (await claimEvent(h.db, id, "deliver", 1))!;
    await sleep(5);
    const second = (await claimEvent(h.db, id, "deliver", 1))!; // the first claim's lease ran out
    expect(second.attempts).toBe(first.attempts + 1);
    expect(await renewLeases(h.db, [{ id, attempts: first.attempts }], new Date())).toEqual([]);
    expect(await renewLeases(h.db, [{ id, attempts: second.attempts }], new Date())).toEqual([id]);
    const runner = worker(60_000);
    const release = runner.heartbeat.hold(id, first.attempts);
    await runner.heartbeat.beat();
    expect(runner.heartbeat.holding()).toEqual([]);
    release();
    await finishEvent(h.db, id, "succeeded", null);
  });

  it("fences the outcome by the claim: a stalled run whose event was reclaimed records nothing over the new holder's", {
    timeout: 30_000,
  }, async () => {
    const lease = 600;
    const id = await store();
    // The first run's HubSpot call stalls 2.5 s and then fails; it has no heartbeat (as a process paused by the
    // OS or a long GC), so its lease runs out and another worker reclaims the event and finishes it.
    await control.fault(h.sandbox.hubspot, { status: 400, latencyMs: 2_500, path: "/crm/v3/objects/contacts" });
    const stalled = processEvent(h.db, id, { services: h.services, staleAfterMs: lease, retry: NO_RETRY });
    await sleep(lease + 300);
    expect(await worker(lease).run(id, null)).toEqual({ status: "succeeded" });
    // The stalled run's failure reaches neither the step ledger nor the event.
    expect((await stalled).status).toBe("not-claimed");
    const row = await eventRow(id);
    expect(row).toMatchObject({ status: "succeeded", attempts: 2, lastError: null, failedStep: null });
    const sync = (await syncStep(id))!;
    expect(sync).toMatchObject({ status: "succeeded", attempts: 1, errorStatus: null });
    expect(sync.attemptLog.map((a) => a.status)).toEqual(["succeeded"]);
    // A late finish under the old claim is refused too.
    expect(await finishEvent(h.db, id, "failed", "late", "sync-crm", { attempts: 1 })).toBe(false);
    expect((await eventRow(id)).status).toBe("succeeded");
  });

  it("with the embedded database, resumes at start-up what the previous process left, without waiting for the lease", {
    timeout: 30_000,
  }, async () => {
    const lease = 60_000;
    const midStep = await store();
    const notStarted = await store();
    // The previous process claimed one event and had just stored another when it was killed.
    expect(await claimEvent(h.db, midStep, "deliver", lease)).toBeDefined();
    await sleep(5);
    // On a shared database (PostgreSQL, several instances) the lease rule holds: neither is re-driven yet.
    const shared = worker(lease, false);
    expect(await shared.sweep()).toBe(0);
    // The restarted process, sole user of the embedded database, resumes both at once.
    const restarted = worker(lease, true);
    const started = Date.now();
    expect(await restarted.sweep()).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await eventRow(midStep)).status).toBe("succeeded");
    expect((await eventRow(notStarted)).status).toBe("succeeded");
    // What it claims itself afterwards is not orphaned: another sweep re-drives nothing.
    expect(await restarted.sweep()).toBe(0);
  });
});
