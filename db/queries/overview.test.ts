import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "@/db/test-db";
import type { DbHandle } from "@/db";
import { alerts, auditLog, customers, events } from "@/db/schema";
import { getOverview } from "./overview";
import { listAlerts } from "./alerts";
import { listAuditActions, listAuditLog } from "./audit";

let handle: DbHandle;
const now = new Date(Date.UTC(2025, 0, 15, 12));

beforeAll(async () => {
  handle = await createTestDb();
  await handle.db.insert(customers).values([{ appUserId: "u1" }, { appUserId: "u2" }]);
  const ev = (i: number, status: "received" | "processing" | "failed" | "succeeded", receivedAt: Date) => ({
    source: "app" as const,
    externalId: `e${i}`,
    type: "x",
    correlationId: `c${i}`,
    status,
    receivedAt,
  });
  await handle.db
    .insert(events)
    .values([
      ev(1, "succeeded", new Date(Date.UTC(2025, 0, 14, 23))),
      ev(2, "failed", new Date(Date.UTC(2025, 0, 15, 1))),
      ev(3, "received", new Date(Date.UTC(2025, 0, 15, 2))),
      ev(4, "processing", new Date(Date.UTC(2025, 0, 15, 3))),
      { ...ev(5, "succeeded", new Date(Date.UTC(2025, 0, 15, 8))), arrivedVia: "backfill" as const },
      { ...ev(6, "succeeded", new Date(Date.UTC(2025, 0, 13, 8))), arrivedVia: "backfill" as const },
    ]);
  await handle.db.insert(alerts).values([
    {
      kind: "billing",
      dedupeKey: "a",
      title: "Payment failed for ann",
      severity: "critical",
      openedAt: new Date(Date.UTC(2025, 0, 15, 4)),
    },
    {
      kind: "ops",
      dedupeKey: "b",
      title: "HubSpot sync failing",
      status: "resolved",
      openedAt: new Date(Date.UTC(2025, 0, 15, 5)),
    },
  ]);
  await handle.db.insert(auditLog).values([
    {
      actorEmail: "founder@demo.test",
      via: "session",
      action: "event.replay",
      targetType: "event",
      targetId: "e2",
      createdAt: new Date(Date.UTC(2025, 0, 15, 6)),
    },
    {
      actorEmail: "api-token",
      via: "api-token",
      action: "alert.acknowledge",
      createdAt: new Date(Date.UTC(2025, 0, 15, 7)),
    },
  ]);
});
afterAll(() => handle?.close());

describe("getOverview", () => {
  it("counts today's events, failures, backlog, open alerts and customers", async () => {
    const o = await getOverview(handle.db, now);
    expect(o).toMatchObject({ eventsToday: 4, failedEvents: 1, backlog: 2, openAlerts: 1, customers: 2 });
    // Found by backfill in the last 24 h (the one two days ago does not count).
    expect(o.backfilled24h).toBe(1);
    expect(o.oldestBacklogAt?.toISOString()).toBe("2025-01-15T02:00:00.000Z");
    expect(o.todayStart.toISOString()).toBe("2025-01-15T00:00:00.000Z");
  });
});

describe("listAlerts and listAuditLog", () => {
  it("lists alerts newest first and filters by status, kind and text", async () => {
    expect((await listAlerts(handle.db)).rows.map((r) => r.title)).toEqual([
      "HubSpot sync failing",
      "Payment failed for ann",
    ]);
    expect((await listAlerts(handle.db, { status: ["open"] })).rows.map((r) => r.title)).toEqual([
      "Payment failed for ann",
    ]);
    expect((await listAlerts(handle.db, { kind: "ops", q: "hubspot" })).total).toBe(1);
    expect((await listAlerts(handle.db, { sort: { id: "severity", desc: true } })).rows[0].severity).toBe("critical");
  });

  it("lists the audit log newest first and filters by action, via and actor", async () => {
    expect((await listAuditLog(handle.db)).rows.map((r) => r.action)).toEqual(["alert.acknowledge", "event.replay"]);
    expect((await listAuditLog(handle.db, { actor: "FOUNDER" })).rows.map((r) => r.targetId)).toEqual(["e2"]);
    expect((await listAuditLog(handle.db, { via: "api-token", action: "alert.acknowledge" })).total).toBe(1);
    expect(await listAuditActions(handle.db)).toEqual(["alert.acknowledge", "event.replay"]);
  });
});
