// The step ledger: an attempt is recorded when it ends (outcome, error fields, attempt log, the event's
// heartbeat) in one statement, never while it runs, and never under a claim another worker took over.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createTestDb } from "@/db/test-db";
import type { DbHandle } from "@/db";
import { events, eventSteps } from "@/db/schema";
import { IntegrationError } from "@/lib/integrations/errors";
import { ensureStepRows } from "@/db/queries/event-steps";
import { attemptStep } from "./run-step";

let h: DbHandle;
const stale = new Date(Date.now() - 10 * 60_000);

beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h?.close());

async function staleEvent(externalId: string) {
  const [row] = await h.db
    .insert(events)
    .values({
      source: "app",
      externalId,
      type: "user.signed_up",
      rawBody: "{}",
      correlationId: `cor_${externalId}`,
      status: "processing",
      updatedAt: stale,
    })
    .returning();
  return row!;
}

describe("attemptStep", () => {
  it("writes no row while the step runs, then records its outcome, its attempt and the event's heartbeat in one statement", async () => {
    const ev = await staleEvent("evt_run_1");
    const during = await attemptStep(h.db, ev.id, "resolve-identity", async () => {
      const rows = await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, ev.id));
      return { externalRef: "u_1", output: { rows: rows.length } };
    });
    expect((during as { output: { rows: number } }).output.rows).toBe(0);
    const [after] = await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, ev.id));
    expect(after).toMatchObject({ status: "succeeded", attempts: 1, externalRef: "u_1", lastError: null });
    expect(after!.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, status: "succeeded", error: null, durationMs: expect.any(Number) }),
    ]);
    const [event] = await h.db.select({ updatedAt: events.updatedAt }).from(events).where(eq(events.id, ev.id));
    expect(event!.updatedAt.getTime()).toBeGreaterThan(stale.getTime() + 60_000);
  });

  it("a success handed to `defer` writes nothing now: the engine records it with the event's outcome", async () => {
    const ev = await staleEvent("evt_run_5");
    const deferred: unknown[] = [];
    await attemptStep(h.db, ev.id, "sync-crm", async () => ({ externalRef: "c_1" }), {
      defer: (r) => deferred.push(r),
    });
    expect(deferred).toEqual([expect.objectContaining({ step: "sync-crm", status: "succeeded", externalRef: "c_1" })]);
    expect(await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, ev.id))).toHaveLength(0);
  });

  it("under a stale fence (another claim took the event over) records nothing", async () => {
    const ev = await staleEvent("evt_run_6");
    await h.db.update(events).set({ attempts: 2 }).where(eq(events.id, ev.id));
    await expect(
      attemptStep(
        h.db,
        ev.id,
        "sync-crm",
        async () => {
          throw new IntegrationError("hubspot", "boom", 400, false);
        },
        { fence: 1 },
      ),
    ).rejects.toThrow("boom");
    await attemptStep(h.db, ev.id, "resolve-identity", async () => ({ externalRef: "u" }), { fence: 1 });
    expect(await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, ev.id))).toHaveLength(0);
    await attemptStep(h.db, ev.id, "resolve-identity", async () => ({ externalRef: "u" }), { fence: 2 });
    expect(await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, ev.id))).toHaveLength(1);
  });

  it("records a service's failure with its status and rethrows it; the next attempt counts", async () => {
    const ev = await staleEvent("evt_run_2");
    await ensureStepRows(h.db, ev.id, ["sync-crm"]);
    const failing = () =>
      attemptStep(h.db, ev.id, "sync-crm", async () => {
        throw new IntegrationError("hubspot", "rate limited", 429, true);
      });
    await expect(failing()).rejects.toThrow("rate limited");
    await expect(failing()).rejects.toThrow("rate limited");
    const [step] = await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, ev.id));
    expect(step!.attemptLog.map((a) => [a.attempt, a.status, a.error])).toEqual([
      [1, "failed", "hubspot 429: rate limited"],
      [2, "failed", "hubspot 429: rate limited"],
    ]);
    expect(step).toMatchObject({
      status: "failed",
      attempts: 2,
      errorService: "hubspot",
      errorStatus: 429,
      errorCode: null,
      errorMessage: "rate limited",
      lastError: "hubspot 429: rate limited",
    });
  });

  it("records a failed query as a database error with its SQLSTATE and the database's words only", async () => {
    const ev = await staleEvent("evt_run_4");
    await ensureStepRows(h.db, ev.id, ["resolve-identity"]);
    const duplicate = () =>
      h.db
        .insert(events)
        .values({
          source: "app",
          externalId: "evt_run_4",
          type: "user.signed_up",
          rawBody: "{}",
          correlationId: "cor_dup",
        })
        .then(() => undefined);
    await expect(attemptStep(h.db, ev.id, "resolve-identity", duplicate)).rejects.toThrow();
    const [step] = await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, ev.id));
    expect(step).toMatchObject({
      status: "failed",
      errorService: "database",
      errorStatus: null,
      errorCode: "23505",
      errorMessage: expect.stringContaining("duplicate key"),
    });
    expect(step!.lastError).toMatch(/^database: duplicate key/);
    expect(step!.lastError).not.toContain("insert into");
  });
});

describe("ensureStepRows", () => {
  it("creates the rows once; a second call (a replay) returns the existing rows with their state", async () => {
    const ev = await staleEvent("evt_run_3");
    const first = await ensureStepRows(h.db, ev.id, ["a", "b"]);
    expect(first.map((r) => [r.step, r.status]).sort()).toEqual([
      ["a", "pending"],
      ["b", "pending"],
    ]);
    await h.db
      .update(eventSteps)
      .set({ status: "succeeded", output: { x: 1 } })
      .where(eq(eventSteps.step, "a"));
    const again = await ensureStepRows(h.db, ev.id, ["a", "b"]);
    expect(again.map((r) => [r.step, r.status, r.output]).sort()).toEqual([
      ["a", "succeeded", { x: 1 }],
      ["b", "pending", null],
    ]);
    expect(await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, ev.id))).toHaveLength(2);
  });
});
