// One customer's events in order across instances: two runners on one database (as two instances on one
// PostgreSQL) racing the same customer's events run them one at a time, in the order received; an earlier
// failed event does not hold the later ones, nor does one whose holder died once its lease has run out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import * as control from "@/sandbox/client";
import { customers, events, eventSteps, identities } from "@/db/schema";
import { finishEventInOrder } from "@/db/queries/event-processing";
import { storeEvent } from "@/lib/ingest/store";
import { processEvent, WAITING_REASON } from "@/lib/pipeline/engine/process-event";
import { appEvent, startHarness, stripeEvent, uid, type Harness } from "@/test/harness";
import { InlineRunner } from "./inline";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ timeoutMs: 5_000 });
});
afterAll(() => h?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An instance's runner on the shared database (no sweeper: hand-overs and waits are what is tested). */
const instance = (leaseMs = 60_000) =>
  new InlineRunner({
    db: async () => h.db,
    services: () => h.services,
    retry: { retries: 0, minTimeoutMs: 10, maxTimeoutMs: 10 },
    staleAfterMs: leaseMs,
    concurrency: 8,
  });

async function store(userId: string, type = "user.updated", data: Record<string, unknown> = {}) {
  const e = appEvent(type, { userId, email: `${userId}@example.com`, name: `n-${uid("n")}`, ...data });
  const stored = await storeEvent(h.db, {
    source: "app",
    externalId: e.id,
    type,
    rawBody: JSON.stringify(e),
    occurredAt: new Date(),
  });
  await sleep(3); // distinct received_at, as separate deliveries have
  return stored;
}

const rows = (ids: string[]) => h.db.select().from(events).where(inArray(events.id, ids));
const syncSteps = async (ids: string[]) =>
  (await h.db.select().from(eventSteps).where(inArray(eventSteps.eventId, ids))).filter((s) => s.step === "sync-crm");

async function settled(ids: string[], timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const r = await rows(ids);
    if (r.every((e) => e.status !== "received" && e.status !== "processing")) return r;
    await sleep(50);
  }
  throw new Error("events did not settle");
}

describe("one customer's events across two instances", () => {
  it("stores the handler's key at ingest (and none for an event the pipeline ignores)", async () => {
    const userId = uid("u");
    const stored = await store(userId, "user.signed_up");
    expect(stored.customerKey).toBe(`app:${userId}`);
    const ignored = await storeEvent(h.db, {
      source: "app",
      externalId: uid("evt"),
      type: "user.unknown",
      rawBody: "{}",
      occurredAt: null,
      status: "ignored",
    });
    expect(ignored.customerKey).toBeNull();
    const [row] = await rows([stored.id]);
    expect(row!.customerKey).toBe(`app:${userId}`);
  });

  it("runs them strictly in received order, never two at once, whichever instance each lands on", {
    timeout: 60_000,
  }, async () => {
    const userId = uid("u");
    const ids = [(await store(userId, "user.signed_up")).id];
    for (let i = 0; i < 5; i++) ids.push((await store(userId)).id);
    await control.fault(h.sandbox.hubspot, {
      kind: "latency",
      latencyMs: 150,
      path: "/crm/v3/objects/contacts/batch/upsert",
      times: "always",
    });
    const [a, b] = [instance(), instance()];
    try {
      // Both instances get every event at once, in reverse order on one of them: the worst a load balancer
      // and a sweeper could do. The chain key is withheld so only the claim keeps the order.
      const outcomes = await Promise.all([
        ...ids.map((id) => a.run(id, null)),
        ...[...ids].reverse().map((id) => b.run(id, null)),
      ]);
      expect(outcomes.some((o) => o.status === "waiting" && o.reason === WAITING_REASON)).toBe(true);
      const done = await settled(ids);
      expect(done.every((e) => e.status === "succeeded" && e.attempts === 1)).toBe(true);
      const steps = await syncSteps(ids);
      expect(steps).toHaveLength(ids.length);
      const byEvent = new Map(steps.map((s) => [s.eventId, s]));
      const ordered = ids.map((id) => byEvent.get(id)!);
      for (let i = 1; i < ordered.length; i++)
        expect(ordered[i]!.startedAt!.getTime()).toBeGreaterThanOrEqual(ordered[i - 1]!.finishedAt!.getTime());
    } finally {
      await control.clearFaults(h.sandbox.hubspot).catch(() => {});
      await Promise.all([a.idle(), b.idle()]);
    }
  });

  it("answers `waiting` while an earlier event is unfinished, and hands the next one over when it finishes", {
    timeout: 30_000,
  }, async () => {
    const userId = uid("u");
    const first = await store(userId, "user.signed_up");
    const second = await store(userId);
    const waiting = await processEvent(h.db, second.id, { services: h.services });
    expect(waiting).toEqual({ status: "waiting", reason: WAITING_REASON });
    // Nothing changed but the stamp: still received, never claimed.
    const [held] = await rows([second.id]);
    expect(held).toMatchObject({ status: "received", attempts: 0 });
    const handedOver: string[] = [];
    expect(
      await processEvent(h.db, first.id, { services: h.services, handOver: (n) => handedOver.push(n.id) }),
    ).toEqual({ status: "succeeded" });
    expect(handedOver).toEqual([second.id]);
    expect((await processEvent(h.db, second.id, { services: h.services })).status).toBe("succeeded");
  });

  it("a failed earlier event does not hold the later ones", { timeout: 30_000 }, async () => {
    const userId = uid("u");
    const first = await store(userId, "user.signed_up");
    const second = await store(userId);
    await control.fault(h.sandbox.hubspot, { path: "/crm/v3/objects/contacts/batch/upsert", status: 400 });
    const failed = await processEvent(h.db, first.id, {
      services: h.services,
      retry: { retries: 0, minTimeoutMs: 10, maxTimeoutMs: 10 },
    });
    expect(failed.status).toBe("failed");
    expect((await processEvent(h.db, second.id, { services: h.services })).status).toBe("succeeded");
  });

  it("a stale `processing` event (its instance died) holds the later ones only until its lease runs out", {
    timeout: 30_000,
  }, async () => {
    const lease = 500;
    const userId = uid("u");
    const first = await store(userId, "user.signed_up");
    const second = await store(userId);
    // The dead instance claimed the first event; its heartbeat stopped.
    await h.db.update(events).set({ status: "processing", attempts: 1 }).where(eq(events.id, first.id));
    const other = instance(lease);
    expect((await other.run(second.id, null, "deliver", false)).status).toBe("waiting");
    await sleep(lease + 100);
    expect((await other.run(second.id, null, "deliver", false)).status).toBe("succeeded");
    // The sweeper then resumes the orphan (reclaimed past its lease), which nothing ran meanwhile.
    expect((await other.run(first.id, null)).status).toBe("succeeded");
    const [orphan] = await rows([first.id]);
    expect(orphan).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("keeps an app user's and its Stripe customer's events in one line once they are linked", {
    timeout: 30_000,
  }, async () => {
    const userId = uid("u");
    const cus = uid("cus");
    const [customer] = await h.db
      .insert(customers)
      .values({ appUserId: userId, email: `${userId}@example.com` })
      .returning({ id: customers.id });
    await h.db.insert(identities).values([
      { customerId: customer!.id, system: "app", externalId: userId, matchedBy: "id" },
      { customerId: customer!.id, system: "stripe", externalId: cus, matchedBy: "id" },
    ]);
    const appUpdate = await store(userId);
    const e = stripeEvent("customer.subscription.updated", {
      id: uid("sub"),
      object: "subscription",
      customer: cus,
      status: "active",
      items: { data: [] },
    });
    const stripe = await storeEvent(h.db, {
      source: "stripe",
      externalId: e.id,
      type: e.type,
      rawBody: JSON.stringify(e),
      occurredAt: new Date(),
    });
    expect(stripe.customerKey).toBe(`stripe:${cus}`);
    // The Stripe event waits for the app user's earlier event, though their keys differ.
    expect((await processEvent(h.db, stripe.id, { services: h.services })).status).toBe("waiting");
    const { finished, next } = await finishEventInOrder(h.db, appUpdate.id, "succeeded", null);
    expect(finished).toBe(true);
    expect(next).toEqual({ id: stripe.id, customerKey: `stripe:${cus}` });
  });

  it("events without a key (stored before keys were kept) are never held", async () => {
    const userId = uid("u");
    const first = await store(userId, "user.signed_up");
    const second = await store(userId);
    await h.db
      .update(events)
      .set({ customerKey: null })
      .where(inArray(events.id, [first.id, second.id]));
    expect((await processEvent(h.db, second.id, { services: h.services })).status).toBe("succeeded");
  });
});
