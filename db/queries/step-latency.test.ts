// Step latency on known data: every attempt counts (attempt_log, or the row when the log is empty), skips
// and attempts outside the window do not, percentiles and failure rates come out as computed by hand.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { events, eventSteps, opsState, type StepAttempt } from "@/db/schema";
import { getStepLatency, isLatencyWindow, stepP95Between, sumFinishedStepLatencyHours } from "./step-latency";

let handle: DbHandle;
let n = 0;
const now = new Date("2026-11-23T12:30:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

beforeAll(async () => {
  handle = await createTestDb();
  await seed();
});
afterAll(() => handle?.close());

function attempt(endMinutesAgo: number, durationMs: number, status: StepAttempt["status"]): StepAttempt {
  const finishedAt = minutesAgo(endMinutesAgo);
  return {
    attempt: 0,
    startedAt: new Date(finishedAt.getTime() - durationMs).toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs,
    status,
  };
}

async function step(type: string, name: string, log: StepAttempt[], row: Partial<typeof eventSteps.$inferInsert> = {}) {
  const [e] = await handle.db
    .insert(events)
    .values({ source: "stripe", externalId: `e${n++}`, type, status: "succeeded", correlationId: "c" })
    .returning();
  const last = log.at(-1);
  await handle.db.insert(eventSteps).values({
    eventId: e!.id,
    step: name,
    status: last?.status ?? "succeeded",
    attempts: log.length,
    attemptLog: log.map((a, i) => ({ ...a, attempt: i + 1 })),
    startedAt: last ? new Date(last.startedAt) : undefined,
    finishedAt: last ? new Date(last.finishedAt) : undefined,
    ...row,
  });
}

async function seed() {
  // invoice.paid / sync-crm in the last hour: 100, 200, 300, 400, then one step that failed (1000) and
  // succeeded on its retry (500): six attempts, one failed.
  for (const d of [100, 200, 300, 400]) await step("invoice.paid", "sync-crm", [attempt(10, d, "succeeded")]);
  await step("invoice.paid", "sync-crm", [attempt(20, 1000, "failed"), attempt(19, 500, "succeeded")]);
  // A row from before attempt_log existed: counted once from its own times (50 ms).
  await step("invoice.paid", "update-entitlement", [], {
    status: "succeeded",
    attempts: 1,
    startedAt: new Date(minutesAgo(5).getTime() - 50),
    finishedAt: minutesAgo(5),
  });
  await step("user.signed_up", "sync-crm", [attempt(30, 2000, "failed")]);
  // A skip is not a run: never counted.
  await step("user.signed_up", "notify-app", [attempt(30, 1, "skipped")]);
  // Retried after two days: the old attempt counts only in the 7-day window.
  await step("support.requested", "create-ticket", [attempt(2 * 24 * 60, 9000, "failed"), attempt(3, 10, "succeeded")]);
  // Finished five hours ago: in 24 h and 7 d, not in the last hour.
  await step("support.requested", "create-ticket", [attempt(5 * 60, 30, "succeeded")]);
  // Older than a week: nowhere.
  await step("invoice.paid", "sync-crm", [attempt(8 * 24 * 60, 99_000, "succeeded")]);
}

describe("getStepLatency", () => {
  it("last hour: count, failure rate and p50/p95 per handler and step, every attempt counted once", async () => {
    const r = await getStepLatency(handle.db, "1h", now);
    expect(r.since.toISOString()).toBe(minutesAgo(60).toISOString());
    const row = (type: string, s: string) => r.rows.find((x) => x.type === type && x.step === s);
    // Sorted 100 200 300 400 500 1000: p50 = 350; p95 at rank 4.75 = 500 + 0.75 × 500 = 875.
    expect(row("invoice.paid", "sync-crm")).toMatchObject({ count: 6, failed: 1, p50Ms: 350, p95Ms: 875 });
    expect(row("invoice.paid", "sync-crm")!.failureRatePercent).toBeCloseTo(100 / 6);
    expect(row("invoice.paid", "update-entitlement")).toMatchObject({ count: 1, failed: 0, p50Ms: 50, p95Ms: 50 });
    expect(row("user.signed_up", "sync-crm")).toMatchObject({ count: 1, failed: 1, failureRatePercent: 100 });
    expect(row("user.signed_up", "notify-app")).toBeUndefined();
    expect(row("support.requested", "create-ticket")).toMatchObject({ count: 1, failed: 0, p95Ms: 10 });
    // Slowest first.
    expect(r.rows[0]).toMatchObject({ type: "user.signed_up", step: "sync-crm", p95Ms: 2000 });
  });

  it("per step across handlers, and the chart's slowest steps with their points", async () => {
    const r = await getStepLatency(handle.db, "1h", now, { seriesCount: 2 });
    const sync = r.steps.find((s) => s.step === "sync-crm");
    expect(sync).toMatchObject({ count: 7, failed: 2 });
    expect(r.steps.map((s) => s.step)).toEqual(["sync-crm", "update-entitlement", "create-ticket"]);
    expect(r.series.map((s) => s.step)).toEqual(["sync-crm", "update-entitlement"]);
    const points = r.series[0]!.points;
    expect(points).toHaveLength(12); // 5-minute points over the hour
    // The 12:20 point holds the four that finished at 12:20 (100–400: p95 = 300 + 0.85 × 100).
    expect(points.find((p) => p.at === "2026-11-23T12:20:00.000Z")!.p95Ms).toBe(385);
    expect(points.find((p) => p.at === "2026-11-23T11:30:00.000Z")!.p95Ms).toBeNull();
  });

  it("24 h and 7 d take the older attempts in from hourly histograms (p95 within 5%); a week-old row stays out", async () => {
    const day = await getStepLatency(handle.db, "24h", now);
    expect(day.since.toISOString()).toBe("2026-11-22T12:00:00.000Z"); // whole hours: at least 24 of them
    const ticket = (r: typeof day) => r.rows.find((x) => x.step === "create-ticket")!;
    expect(ticket(day)).toMatchObject({ count: 2, failed: 0 });
    const week = await getStepLatency(handle.db, "7d", now);
    expect(ticket(week)).toMatchObject({ count: 3, failed: 1 });
    // Nearest rank of 10, 30, 9000 at 95%: the 9000 ms attempt, ±5% from its histogram bucket.
    expect(Math.abs(ticket(week).p95Ms - 9000) / 9000).toBeLessThanOrEqual(0.05);
    const sync = week.rows.find((x) => x.type === "invoice.paid" && x.step === "sync-crm")!;
    expect(sync).toMatchObject({ count: 6, failed: 1 });
    expect(Math.abs(sync.p95Ms - 1000) / 1000).toBeLessThanOrEqual(0.05);
    expect(Math.abs(sync.p50Ms - 300) / 300).toBeLessThanOrEqual(0.05);
    expect(week.series[0]!.points).toHaveLength(29); // 6-hour points over 169 hours
    expect(day.series[0]!.points).toHaveLength(25);
  });

  it("finished hours are summed once into ops_state and read back the same", async () => {
    const keys = async () =>
      (await handle.db.select({ key: opsState.key }).from(opsState)).filter((k) =>
        k.key.startsWith("step-latency-hour:"),
      );
    await handle.db.delete(opsState);
    await sumFinishedStepLatencyHours(handle.db, now); // what the minute tick would do
    expect(await keys()).toHaveLength(168); // 12:00 a week ago up to 12:00 today; 12:00–12:30 is read live
    const first = await getStepLatency(handle.db, "7d", now);
    expect(await keys()).toHaveLength(168);
    expect(await getStepLatency(handle.db, "7d", now)).toEqual(first);
  });

  it("an empty window answers no rows and empty series", async () => {
    const r = await getStepLatency(handle.db, "1h", new Date("2020-01-01T00:00:00Z"));
    expect(r.rows).toEqual([]);
    expect(r.series).toEqual([]);
  });

  it("stepP95Between: one figure per step, and window names are checked", async () => {
    const steps = await stepP95Between(handle.db, minutesAgo(60), now);
    expect(steps.find((s) => s.step === "sync-crm")).toMatchObject({ count: 7, failed: 2 });
    expect(isLatencyWindow("24h")).toBe(true);
    expect(isLatencyWindow("2d")).toBe(false);
  });
});
