// Rejected deliveries' queries: the aggregate upsert adds counts into one row per key, the list sorts and
// filters, the overview counts the last 24 hours, retention deletes in batches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "@/db/test-db";
import type { DbHandle } from "@/db";
import { rejectedDeliveries } from "@/db/schema";
import { getOverview } from "./overview";
import {
  addToRejectionAggregate,
  deleteRejectedDeliveriesBefore,
  insertRejectedDelivery,
  listRejectedDeliveries,
  rejectionCountsByRoute,
} from "./rejected-deliveries";

let handle: DbHandle;
const now = new Date(Date.UTC(2025, 0, 15, 12));
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

beforeAll(async () => {
  handle = await createTestDb();
  const one = (reason: string, at: Date, route = "stripe") =>
    insertRejectedDelivery(handle.db, {
      route,
      reason,
      status: 400,
      clientAddress: "203.0.113.7",
      firstAt: at,
      lastAt: at,
    });
  await one("bad_signature", hoursAgo(1));
  await one("malformed_body", hoursAgo(2), "app");
  await one("bad_signature", hoursAgo(30));
  const agg = {
    aggregateKey: "stripe:rate_limited:2025-01-15T11:00",
    route: "stripe",
    reason: "rate_limited",
    status: 429,
  };
  await addToRejectionAggregate(handle.db, {
    ...agg,
    clientAddress: "198.51.100.1",
    count: 40,
    firstAt: hoursAgo(1),
    lastAt: hoursAgo(1),
  });
  await addToRejectionAggregate(handle.db, {
    ...agg,
    clientAddress: "198.51.100.2",
    count: 2,
    firstAt: hoursAgo(0.99),
    lastAt: hoursAgo(0.98),
  });
});
afterAll(() => handle?.close());

describe("rejected deliveries queries", () => {
  it("adds a minute's batches into one aggregate row; several addresses leave none named", async () => {
    const rows = await handle.db.select().from(rejectedDeliveries);
    const agg = rows.filter((r) => r.aggregateKey);
    expect(agg).toHaveLength(1);
    expect(agg[0]).toMatchObject({ count: 42, clientAddress: null, firstAt: hoursAgo(1), lastAt: hoursAgo(0.98) });
  });

  it("lists newest first, by count, and filtered", async () => {
    const all = await listRejectedDeliveries(handle.db);
    expect(all.total).toBe(4);
    expect(all.rows.map((r) => r.reason)).toEqual(["rate_limited", "bad_signature", "malformed_body", "bad_signature"]);
    const byCount = await listRejectedDeliveries(handle.db, { sort: { id: "count", desc: true }, perPage: 1 });
    expect(byCount).toMatchObject({ total: 4, pageCount: 4, rows: [{ count: 42, aggregated: true }] });
    expect((await listRejectedDeliveries(handle.db, { route: "app" })).rows.map((r) => r.reason)).toEqual([
      "malformed_body",
    ]);
    expect((await listRejectedDeliveries(handle.db, { from: hoursAgo(3), reason: "bad_signature" })).total).toBe(1);
  });

  it("counts per route for the alert rules and for the overview's last 24 hours", async () => {
    expect(await rejectionCountsByRoute(handle.db, hoursAgo(3), ["bad_signature", "rate_limited"])).toEqual({
      stripe: 43,
    });
    expect((await getOverview(handle.db, now)).rejectedDeliveries24h).toBe(44);
  });

  it("retention deletes rows last seen before the cutoff, a batch at a time", async () => {
    expect(await deleteRejectedDeliveriesBefore(handle.db, hoursAgo(24), 10)).toBe(1);
    expect(await deleteRejectedDeliveriesBefore(handle.db, hoursAgo(24), 10)).toBe(0);
  });
});
