import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { events, eventSteps } from "@/db/schema";
import { getFlowFigures } from "./flow-figures";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle?.close());

describe("getFlowFigures", () => {
  it("computes failure rate, payment delays, first-attempt tickets and hourly volume", async () => {
    const now = new Date("2026-11-23T12:30:00Z");
    const at = (m: number) => new Date(now.getTime() - m * 60_000);
    const rows = await handle.db
      .insert(events)
      .values([
        {
          source: "stripe",
          externalId: "e1",
          type: "invoice.paid",
          status: "succeeded",
          receivedAt: at(30),
          correlationId: "c",
        },
        {
          source: "stripe",
          externalId: "e2",
          type: "invoice.paid",
          status: "failed",
          receivedAt: at(90),
          correlationId: "c",
        },
        {
          source: "app",
          externalId: "e3",
          type: "support.requested",
          status: "succeeded",
          receivedAt: at(30),
          correlationId: "c",
        },
        {
          source: "app",
          externalId: "e4",
          type: "support.requested",
          status: "succeeded",
          receivedAt: at(30),
          correlationId: "c",
        },
        {
          source: "app",
          externalId: "old",
          type: "user.signed_up",
          status: "failed",
          receivedAt: at(60 * 30),
          correlationId: "c",
        },
      ])
      .returning();
    const [paid, , t1, t2] = rows;
    await handle.db.insert(eventSteps).values([
      {
        eventId: paid!.id,
        step: "update-entitlement",
        status: "succeeded",
        finishedAt: new Date(paid!.receivedAt.getTime() + 2_000),
      },
      {
        eventId: paid!.id,
        step: "sync-crm",
        status: "succeeded",
        finishedAt: new Date(paid!.receivedAt.getTime() + 4_000),
      },
      { eventId: t1!.id, step: "create-ticket", status: "succeeded", attempts: 1 },
      { eventId: t2!.id, step: "create-ticket", status: "succeeded", attempts: 3 },
    ]);
    const f = await getFlowFigures(handle.db, now);
    expect(f).toMatchObject({
      processed: 4,
      failed: 1,
      failureRatePercent: 25,
      entitlementP95Seconds: 2,
      crmP95Seconds: 4,
      tickets: 2,
      ticketsFirstAttemptPercent: 50,
    });
    expect(f.volume).toHaveLength(25);
    expect(f.volume.find((v) => v.hour === "2026-11-23T12:00:00.000Z")).toEqual({
      hour: "2026-11-23T12:00:00.000Z",
      succeeded: 3,
      recovered: 0,
      failed: 0,
      other: 0,
    });
    expect(f.volume.find((v) => v.hour === "2026-11-23T11:00:00.000Z")!.failed).toBe(1);
  });

  it("counts failures that happened: a replayed event stays a failure in the rate and the chart", async () => {
    const now = new Date("2026-12-01T12:30:00Z");
    const at = new Date(now.getTime() - 30 * 60_000);
    const attempt = (status: "failed" | "succeeded", n: number) => ({
      attempt: n,
      startedAt: at.toISOString(),
      finishedAt: at.toISOString(),
      durationMs: 10,
      status,
    });
    const [replayed, clean, legacy, stillFailed] = await handle.db
      .insert(events)
      .values(
        ["r", "c", "l", "f"].map((id, i) => ({
          source: "app" as const,
          externalId: `att-${id}`,
          type: "user.updated",
          status: i === 3 ? ("failed" as const) : ("succeeded" as const),
          receivedAt: at,
          correlationId: "c",
        })),
      )
      .returning();
    await handle.db.insert(eventSteps).values([
      // Failed, then replayed successfully: the log keeps the failure.
      {
        eventId: replayed!.id,
        step: "sync-crm",
        status: "succeeded",
        attempts: 2,
        finishedAt: at,
        attemptLog: [attempt("failed", 1), attempt("succeeded", 2)],
      },
      {
        eventId: clean!.id,
        step: "sync-crm",
        status: "succeeded",
        attempts: 1,
        finishedAt: at,
        attemptLog: [attempt("succeeded", 1)],
      },
      // Written before the log existed: two attempts mean the first one failed.
      { eventId: legacy!.id, step: "sync-crm", status: "succeeded", attempts: 2, finishedAt: at },
      {
        eventId: stillFailed!.id,
        step: "sync-crm",
        status: "failed",
        attempts: 1,
        finishedAt: at,
        attemptLog: [attempt("failed", 1)],
      },
    ]);
    const f = await getFlowFigures(handle.db, now, 1);
    expect(f).toMatchObject({ processed: 4, failed: 3, failedNow: 1, failureRatePercent: 75 });
    expect(f.volume.find((v) => v.hour === "2026-12-01T12:00:00.000Z")).toEqual({
      hour: "2026-12-01T12:00:00.000Z",
      succeeded: 1,
      recovered: 2,
      failed: 1,
      other: 0,
    });
  });
});
