// The Stripe events backfill end to end: events seeded in the Stripe sandbox, read through the real SDK,
// stored through the webhook's store on PGlite and processed by the same pipeline.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { acquireSyncLease, backfilledSince, getSyncCursor } from "@/db/queries/sync-cursors";
import { customers, entitlements, events, syncCursors } from "@/db/schema";
import * as control from "@/sandbox/client";
import { type Harness, appEvent, startHarness, stripeEvent, uid } from "@/test/harness";
import {
  BACKFILL_OVERLAP_SECONDS,
  STRIPE_EVENTS_CURSOR,
  type BackfillSummary,
  backfillIfDue,
  backfillStripeEvents,
} from "./stripe-events";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(async () => {
  h.sandbox.reset();
  await h.db.delete(syncCursors);
});

const nowSec = () => Math.floor(Date.now() / 1000);
const run = async (opts: Parameters<typeof backfillStripeEvents>[2] = {}) => {
  const result = await backfillStripeEvents(h.db, h.services.stripe, opts);
  if (!result.ok) throw new Error(`backfill refused: ${result.status} ${result.error}`);
  return result as BackfillSummary & { ok: true };
};
const seedEvents = (list: Record<string, unknown>[]) =>
  control.seed(
    h.sandbox.stripe,
    list.map((e) => ({ ...e, object: "event" })),
  );
const rowOf = async (externalId: string) =>
  (
    await h.db
      .select()
      .from(events)
      .where(and(eq(events.source, "stripe"), eq(events.externalId, externalId)))
  )[0];
const noEnqueue = async () => {};

/** An app user with a paid Stripe subscription, and the checkout event whose webhook never arrived. */
async function missedCheckout(created = nowSec() - 3600) {
  const userId = uid("u");
  await h.postApp(appEvent("user.signed_up", { userId, email: `${userId}@example.com` }));
  await h.settle();
  const cus = uid("cus");
  const sub = `sub_${cus}`;
  await control.seed(h.sandbox.stripe, [
    { object: "customer", id: cus, email: `${userId}@example.com`, metadata: { app_user_id: userId } },
    {
      object: "subscription",
      id: sub,
      customer: cus,
      status: "active",
      price: { id: "price_pro", lookup_key: "pro" },
      current_period_end: nowSec() + 30 * 86_400,
    },
  ]);
  const event = stripeEvent(
    "checkout.session.completed",
    {
      id: uid("cs"),
      object: "checkout.session",
      mode: "subscription",
      customer: cus,
      subscription: sub,
      client_reference_id: userId,
      payment_status: "paid",
    },
    { created },
  );
  return { userId, sub, event };
}

describe("Stripe events backfill", () => {
  it("finds a missed checkout, stores it once as arrived by backfill, and grants the entitlement like a webhook", async () => {
    const { userId, sub, event } = await missedCheckout();
    // A type the pipeline does not handle is not asked for.
    await seedEvents([event, { id: uid("evt"), type: "customer.created", data: { object: { id: "cus_x" } } }]);
    const result = await run();
    expect(result).toMatchObject({ fetched: 1, stored: 1, alreadyHad: 0, skipped: 0, olderThanWindow: false });
    await h.settle();
    const row = await rowOf(event.id);
    expect(row).toMatchObject({ arrivedVia: "backfill", status: "succeeded", type: "checkout.session.completed" });
    expect(JSON.parse(row!.rawBody!)).toMatchObject({ id: event.id, data: { object: { subscription: sub } } });
    const [customer] = await h.db.select().from(customers).where(eq(customers.appUserId, userId));
    const [entitlement] = await h.db.select().from(entitlements).where(eq(entitlements.customerId, customer!.id));
    expect(entitlement).toMatchObject({ status: "active", plan: "pro", stripeSubscriptionId: sub });
    expect(await backfilledSince(h.db, new Date(Date.now() - 60_000))).toBeGreaterThanOrEqual(1);
    expect(await backfilledSince(h.db, new Date(Date.now() + 60_000))).toBe(0);
    // The request named the handled types and the window.
    const [request] = await control.requests(h.sandbox.stripe, { path: "/v1/events" });
    const query = new URLSearchParams(request!.query);
    expect(query.getAll("types[0]")).toEqual(["checkout.session.completed"]);
    expect(query.get("created[gte]")).toMatch(/^\d+$/);
    expect(query.get("limit")).toBe("100");
  });

  it("stores an event that also arrived by webhook once, whichever came first", async () => {
    // Webhook first: the backfill finds it already here.
    const first = stripeEvent(
      "invoice.paid",
      { id: uid("in"), object: "invoice", customer: null },
      { created: nowSec() - 60 },
    );
    expect((await h.postStripe(first)).status).toBe(200);
    await h.settle();
    await seedEvents([first]);
    expect(await run({ enqueue: noEnqueue })).toMatchObject({ fetched: 1, stored: 0, alreadyHad: 1 });
    expect(await rowOf(first.id)).toMatchObject({ arrivedVia: "webhook" });

    // Backfill first: the late webhook is a duplicate.
    const second = stripeEvent(
      "invoice.paid",
      { id: uid("in"), object: "invoice", customer: null },
      { created: nowSec() - 30 },
    );
    await seedEvents([second]);
    const result = await run({ enqueue: noEnqueue, since: new Date((nowSec() - 120) * 1000) });
    expect(result).toMatchObject({ fetched: 2, stored: 1, alreadyHad: 1 });
    const answer = await h.postStripe(second);
    expect(answer).toMatchObject({ status: 200, body: { duplicate: true } });
    const rows = await h.db.select().from(events).where(eq(events.externalId, second.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ arrivedVia: "backfill" });
  });

  it("advances the cursor: a second run reads only the overlap and stores nothing new", async () => {
    const t = nowSec();
    await seedEvents([
      {
        id: uid("evt"),
        type: "invoice.paid",
        created: t - 7200,
        data: { object: { id: uid("in"), object: "invoice" } },
      },
      {
        id: uid("evt"),
        type: "invoice.paid",
        created: t - 3600,
        data: { object: { id: uid("in"), object: "invoice" } },
      },
      {
        id: uid("evt"),
        type: "invoice.paid",
        created: t - 120,
        data: { object: { id: uid("in"), object: "invoice" } },
      },
    ]);
    const at = new Date(t * 1000);
    expect(await run({ enqueue: noEnqueue, now: () => at })).toMatchObject({ fetched: 3, stored: 3, alreadyHad: 0 });
    const cursor = await getSyncCursor(h.db, STRIPE_EVENTS_CURSOR);
    expect(cursor).toMatchObject({ cursor: { created: t }, runningSince: null });
    expect(cursor?.lastResult).toMatchObject({ ok: true, fetched: 3, stored: 3 });

    const later = new Date((t + 300) * 1000);
    const again = await run({ enqueue: noEnqueue, now: () => later });
    expect(again).toMatchObject({ fetched: 1, stored: 0, alreadyHad: 1 });
    expect(again.since).toBe(new Date((t - BACKFILL_OVERLAP_SECONDS) * 1000).toISOString().replace(".000Z", "Z"));
    const requests = await control.requests(h.sandbox.stripe, { path: "/v1/events" });
    expect(new URLSearchParams(requests.at(-1)!.query).get("created[gte]")).toBe(String(t - BACKFILL_OVERLAP_SECONDS));
    expect((await getSyncCursor(h.db, STRIPE_EVENTS_CURSOR))?.cursor).toEqual({ created: t + 300 });
  });

  it("runs once at a time: a concurrent run is told one is already running; a stale lease is taken over", async () => {
    const [a, b] = await Promise.all([
      backfillStripeEvents(h.db, h.services.stripe, { enqueue: noEnqueue }),
      backfillStripeEvents(h.db, h.services.stripe, { enqueue: noEnqueue }),
    ]);
    const outcomes = [a, b].map((r) => r.ok);
    expect(outcomes.sort()).toEqual([false, true]);
    const refused = [a, b].find((r) => !r.ok);
    expect(refused).toMatchObject({ status: 409, error: expect.stringContaining("already running") });

    // A run that died holding the lease: refused within the lease, taken over after it.
    const now = new Date();
    await acquireSyncLease(h.db, STRIPE_EVENTS_CURSOR, new Date(now.getTime() - 60_000), new Date(0));
    expect(await backfillStripeEvents(h.db, h.services.stripe, { enqueue: noEnqueue })).toMatchObject({
      ok: false,
      status: 409,
    });
    await h.db.update(syncCursors).set({ runningSince: new Date(now.getTime() - 16 * 60_000) });
    expect(await backfillStripeEvents(h.db, h.services.stripe, { enqueue: noEnqueue })).toMatchObject({ ok: true });
  });

  it("reads every page (250 events at 100 a page) and queues the new ones oldest first", async () => {
    const t = nowSec() - 5000;
    const seeded = Array.from({ length: 250 }, (_, i) => ({
      id: `evt_page_${uid("x")}_${i}`,
      type: "invoice.paid",
      created: t + i,
      data: { object: { id: uid("in"), object: "invoice" } },
    }));
    await seedEvents(seeded);
    const queued: string[] = [];
    const result = await run({
      enqueue: async (rows) => {
        queued.push(...rows.map((r) => JSON.parse(r.rawBody!).id as string));
      },
    });
    expect(result).toMatchObject({ fetched: 250, stored: 250, alreadyHad: 0 });
    expect(queued).toEqual(seeded.map((e) => e.id));
    const requests = await control.requests(h.sandbox.stripe, { path: "/v1/events" });
    expect(requests).toHaveLength(3);
    expect(requests.slice(1).every((r) => new URLSearchParams(r.query).get("starting_after")?.startsWith("evt_"))).toBe(
      true,
    );
  });

  it("says so when asked for more than Stripe's 30 days, refuses a future since, and keeps the cursor when Stripe fails", async () => {
    const old = await run({ enqueue: noEnqueue, since: new Date(Date.now() - 40 * 86_400_000) });
    expect(old.olderThanWindow).toBe(true);
    expect(old.message).toContain("Stripe keeps events for 30 days");
    expect(old.message).toContain("adoption import");
    expect(Date.parse(old.since)).toBeGreaterThan(Date.now() - 30 * 86_400_000 - 60_000);

    const future = await backfillStripeEvents(h.db, h.services.stripe, { since: new Date(Date.now() + 86_400_000) });
    expect(future).toMatchObject({ ok: false, status: 400, field: "since" });

    const before = (await getSyncCursor(h.db, STRIPE_EVENTS_CURSOR))?.cursor;
    await control.fault(h.sandbox.stripe, { path: "/v1/events", status: 401 });
    const failed = await backfillStripeEvents(h.db, h.services.stripe, { enqueue: noEnqueue });
    expect(failed).toMatchObject({ ok: false, status: 502, error: expect.stringContaining("Stripe answered 401") });
    const after = await getSyncCursor(h.db, STRIPE_EVENTS_CURSOR);
    expect(after).toMatchObject({ cursor: before, runningSince: null, lastResult: { ok: false } });
  });

  it("runs on schedule only when due, and not at all with STRIPE_BACKFILL_MINUTES=0", async () => {
    expect(await backfillIfDue(h.db, h.services.stripe, 0)).toMatchObject({ ok: true, ran: false });
    const now = new Date();
    expect(await backfillIfDue(h.db, h.services.stripe, 10, { now: () => now })).toMatchObject({
      ok: true,
      fetched: 0,
    });
    const soon = new Date(now.getTime() + 5 * 60_000);
    expect(await backfillIfDue(h.db, h.services.stripe, 10, { now: () => soon })).toMatchObject({
      ran: false,
      reason: "not due yet",
    });
    expect(await backfillIfDue(h.db, h.services.stripe, 10, { now: () => soon, force: true })).toMatchObject({
      ok: true,
      fetched: 0,
    });
  });
});
