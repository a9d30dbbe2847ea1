// The step ledger: a step marked running beats its event's heartbeat in the same statement, and records
// its outcome (output, or the service's error) for the console and for the steps after it.
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
  it("marks the step running and the event alive while the step runs, then records its output", async () => {
    const ev = await staleEvent("evt_run_1");
    await ensureStepRows(h.db, ev.id, ["resolve-identity"]);
    const during = await attemptStep(h.db, ev.id, "resolve-identity", async () => {
      const [step] = await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, ev.id));
      const [event] = await h.db.select({ updatedAt: events.updatedAt }).from(events).where(eq(events.id, ev.id));
      return { externalRef: "u_1", output: { step, eventUpdatedAt: event!.updatedAt.getTime() } };
    });
    const seen = (during as { output: unknown }).output as {
      step: { status: string; attempts: number };
      eventUpdatedAt: number;
    };
    expect(seen.step).toMatchObject({ status: "running", attempts: 1 });
    expect(seen.eventUpdatedAt).toBeGreaterThan(stale.getTime() + 60_000);
    const [after] = await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, ev.id));
    expect(after).toMatchObject({ status: "succeeded", attempts: 1, externalRef: "u_1", lastError: null });
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
