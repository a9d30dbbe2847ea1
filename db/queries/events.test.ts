import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "@/db/test-db";
import type { DbHandle } from "@/db";
import { customers, eventSteps, events, type NewEvent } from "@/db/schema";
import { parseTableParams, TableParamsError } from "@/lib/schemas/table-params";
import { eventsTableParams, getEventDetail, listEvents, listEventTypes } from "./events";

let handle: DbHandle;
let aliceId: string;
const t = (min: number) => new Date(Date.UTC(2025, 0, 15, 12, min));

beforeAll(async () => {
  handle = await createTestDb();
  const [alice] = await handle.db
    .insert(customers)
    .values({ appUserId: "u_alice", email: "Alice@Example.com" })
    .returning();
  aliceId = alice.id;
  const base = (i: number, over: Partial<NewEvent>): NewEvent => ({
    source: "app",
    externalId: `evt_${i}`,
    type: "user.signed_up",
    correlationId: `corr_${i}`,
    rawBody: JSON.stringify({ id: `evt_${i}`, secret: "x" }),
    receivedAt: t(i),
    ...over,
  });
  await handle.db
    .insert(events)
    .values([
      base(1, { status: "succeeded", customerId: aliceId }),
      base(2, { status: "failed", source: "stripe", type: "invoice.payment_failed", customerId: aliceId }),
      base(3, { status: "received" }),
      base(4, { status: "processing", type: "support.requested" }),
      base(5, { status: "failed", type: "support.requested", lastError: "Zendesk 422", arrivedVia: "backfill" }),
    ]);
});
afterAll(() => handle?.close());

describe("listEvents", () => {
  it("lists newest first, 25 per page, without the raw body", async () => {
    const page = await listEvents(handle.db);
    expect(page.total).toBe(5);
    expect(page.pageCount).toBe(1);
    expect(page.rows.map((r) => r.externalId)).toEqual(["evt_5", "evt_4", "evt_3", "evt_2", "evt_1"]);
    expect(page.rows[0]).not.toHaveProperty("rawBody");
  });

  it("filters by status list, source, type and time range", async () => {
    const backlog = await listEvents(handle.db, { status: ["received", "processing"] });
    expect(backlog.rows.map((r) => r.externalId)).toEqual(["evt_4", "evt_3"]);
    expect((await listEvents(handle.db, { source: "stripe" })).total).toBe(1);
    expect((await listEvents(handle.db, { type: "support.requested", status: "failed" })).rows[0].lastError).toBe(
      "Zendesk 422",
    );
    const range = await listEvents(handle.db, { from: t(2), to: t(4) });
    expect(range.rows.map((r) => r.externalId)).toEqual(["evt_4", "evt_3", "evt_2"]);
  });

  it("filters by customer id, app user id or email", async () => {
    for (const customer of [aliceId, "u_alice", "alice@example.com"]) {
      const page = await listEvents(handle.db, { customer });
      expect(page.rows.map((r) => r.externalId)).toEqual(["evt_2", "evt_1"]);
      expect(page.rows[0].customerAppUserId).toBe("u_alice");
    }
    expect((await listEvents(handle.db, { customer: "nobody" })).total).toBe(0);
  });

  it("finds anything by q: a source id, our id, a correlation id, a customer's email or app user id", async () => {
    const ids = async (q: string) => (await listEvents(handle.db, { q })).rows.map((r) => r.externalId).sort();
    expect(await ids("evt_3")).toEqual(["evt_3"]);
    expect(await ids("corr_4")).toEqual(["evt_4"]);
    expect(await ids("alice@example.COM")).toEqual(["evt_1", "evt_2"]);
    expect(await ids("u_alice")).toEqual(["evt_1", "evt_2"]);
    const ours = (await listEvents(handle.db, { q: "evt_5" })).rows[0]!.id;
    expect(await ids(ours)).toEqual(["evt_5"]);
    expect(await ids("nothing-like-this")).toEqual([]);
    // How it arrived: the backfill's finds only.
    expect((await listEvents(handle.db, { via: "backfill" })).rows.map((r) => r.externalId)).toEqual(["evt_5"]);
    // With the other filters: Alice's failed events only.
    const failed = await listEvents(handle.db, { q: "u_alice", status: "failed" });
    expect(failed.rows.map((r) => r.externalId)).toEqual(["evt_2"]);
    // The URL param parses to the same query.
    const parsed = parseTableParams({ q: "corr_4" }, eventsTableParams);
    expect(parsed.filters.q).toBe("corr_4");
  });

  it("sorts and paginates", async () => {
    const asc = await listEvents(handle.db, { sort: { id: "receivedAt", desc: false }, perPage: 2, page: 2 });
    expect(asc.rows.map((r) => r.externalId)).toEqual(["evt_3", "evt_4"]);
    expect(asc.pageCount).toBe(3);
    const byStatus = await listEvents(handle.db, { sort: { id: "status", desc: false } });
    expect(byStatus.rows.map((r) => r.status)).toEqual(["received", "processing", "succeeded", "failed", "failed"]);
    expect(byStatus.rows.slice(3).map((r) => r.externalId)).toEqual(["evt_2", "evt_5"]);
    const byStatusDesc = await listEvents(handle.db, { sort: { id: "status", desc: true }, perPage: 2 });
    expect(byStatusDesc.rows.map((r) => r.externalId)).toEqual(["evt_5", "evt_2"]);
  });

  it("pages by type: the pages join up in order, every row whole and joined to its customer", async () => {
    const pages = await Promise.all(
      [1, 2, 3].map((page) => listEvents(handle.db, { sort: { id: "type", desc: false }, perPage: 2, page })),
    );
    const rows = pages.flatMap((p) => p.rows);
    expect(rows.map((r) => `${r.type} ${r.externalId}`)).toEqual([
      "invoice.payment_failed evt_2",
      "support.requested evt_4",
      "support.requested evt_5",
      "user.signed_up evt_1",
      "user.signed_up evt_3",
    ]);
    expect(rows.find((r) => r.externalId === "evt_2")).toMatchObject({
      source: "stripe",
      status: "failed",
      customerEmail: "Alice@Example.com",
      customerAppUserId: "u_alice",
    });
    expect(rows.find((r) => r.externalId === "evt_5")).toMatchObject({
      lastError: "Zendesk 422",
      customerId: null,
      customerEmail: null,
    });
  });

  it("parses URL params into the same query", async () => {
    const p = parseTableParams(
      new URLSearchParams("status=failed&sort=type.asc&perPage=10&from=2025-01-15"),
      eventsTableParams,
    );
    const page = await listEvents(handle.db, { ...p.filters, page: p.page, perPage: p.perPage, sort: p.sort });
    expect(page.rows.map((r) => r.type)).toEqual(["invoice.payment_failed", "support.requested"]);
    expect(() => parseTableParams(new URLSearchParams("status=nope"), eventsTableParams, { strict: true })).toThrow(
      TableParamsError,
    );
    expect(() =>
      parseTableParams(new URLSearchParams("sort=rawBody.asc"), eventsTableParams, { strict: true }),
    ).toThrow(/"sort"/);
    expect(parseTableParams(new URLSearchParams("page=0&status=nope"), eventsTableParams)).toMatchObject({
      page: 1,
      filters: {},
    });
  });
});

describe("listEventTypes and getEventDetail", () => {
  it("lists distinct types", async () => {
    expect(await listEventTypes(handle.db)).toEqual(["invoice.payment_failed", "support.requested", "user.signed_up"]);
  });

  it("returns an event with steps and parsed payload; null for unknown or non-uuid ids", async () => {
    const [ev] = await handle.db.select().from(events).limit(1);
    await handle.db.insert(eventSteps).values([
      { eventId: ev.id, step: "sync-crm", status: "failed", startedAt: t(31), lastError: "429" },
      { eventId: ev.id, step: "resolve-identity", status: "succeeded", startedAt: t(30) },
    ]);
    const detail = await getEventDetail(handle.db, ev.id);
    expect(detail?.steps.map((s) => s.step)).toEqual(["resolve-identity", "sync-crm"]);
    expect(detail?.payload).toMatchObject({ id: ev.externalId });
    expect(detail?.event).not.toHaveProperty("rawBody");
    expect(await getEventDetail(handle.db, "not-a-uuid")).toBeNull();
    expect(await getEventDetail(handle.db, "00000000-0000-4000-8000-000000000000")).toBeNull();
  });
});
