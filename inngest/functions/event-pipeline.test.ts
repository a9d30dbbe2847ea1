// The Inngest engine runs the same steps as the inline driver (real step code, PGlite, sandboxes).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import * as control from "@/sandbox/client";
import type { HubspotState } from "@/sandbox/client";
import { events, eventSteps } from "@/db/schema";
import { storeEvent } from "@/lib/ingest/store";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { markEventFailed, processEventFunction, SUPERSEDED } from "./event-pipeline";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(() => h.sandbox.reset());

async function stored(userId = uid("u")) {
  const e = appEvent("user.signed_up", { userId, email: `${userId}@example.com` });
  const row = await storeEvent(h.db, {
    source: "app",
    externalId: e.id,
    type: e.type,
    rawBody: JSON.stringify(e),
    occurredAt: new Date(),
  });
  return { userId, eventId: row.id };
}

const engine = (eventId: string, customerKey: string) =>
  new InngestTestEngine({
    function: processEventFunction,
    events: [{ name: "ops/event.received", data: { eventId, customerKey } }],
  });

describe("process-event (Inngest)", () => {
  it("runs claim, each pipeline step and finish as steps; the event succeeds", async () => {
    const { userId, eventId } = await stored();
    const { result, error } = await engine(eventId, `app:${userId}`).execute();
    expect(error).toBeUndefined();
    expect(result).toEqual({ status: "succeeded" });
    const [row] = await h.db.select().from(events).where(eq(events.id, eventId));
    expect(row!.status).toBe("succeeded");
    const steps = await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, eventId));
    expect(steps.map((s) => [s.step, s.status]).sort()).toEqual([
      ["notify-app", "skipped"], // a signup changes no entitlement
      ["resolve-identity", "succeeded"],
      ["sync-crm", "succeeded"],
    ]);
    const hubspot = await control.state<HubspotState>(h.sandbox.hubspot);
    expect(hubspot.contacts.filter((c) => c.properties.app_user_id === userId)).toHaveLength(1);
  });

  it("a second delivery of the same event is not claimed and does nothing", async () => {
    const { userId, eventId } = await stored();
    await engine(eventId, `app:${userId}`).execute();
    const { result } = await engine(eventId, `app:${userId}`).execute();
    expect(result).toEqual({ status: "not-claimed" });
  });

  it("a permanent error is not retried, and the failure handler marks the event failed with the message", async () => {
    await control.fault(h.sandbox.hubspot, {
      path: "/crm/v3/objects/contacts/batch/upsert",
      status: 400,
      times: "always",
    });
    const { userId, eventId } = await stored();
    const { error } = await engine(eventId, `app:${userId}`).execute();
    expect((error as Error).name).toBe("NonRetriableError");
    expect((error as Error).message).toContain("sync-crm: hubspot 400");
    await markEventFailed({ event: { data: { event: { data: { eventId } } } }, error: error as Error });
    const [row] = await h.db.select().from(events).where(eq(events.id, eventId));
    expect(row).toMatchObject({
      status: "failed",
      failedStep: "sync-crm",
      lastError: expect.stringContaining("sync-crm: hubspot 400"),
    });
    const [step] = await h.db
      .select()
      .from(eventSteps)
      .where(and(eq(eventSteps.eventId, eventId), eq(eventSteps.step, "sync-crm")));
    expect(step).toMatchObject({
      status: "failed",
      errorService: "hubspot",
      errorStatus: 400,
      errorCode: "VALIDATION_ERROR",
      errorMessage: "Sandbox injected status 400",
    });
  });

  it("a transient error is thrown for Inngest to retry, and the retry succeeds without redoing done steps", async () => {
    await control.fault(h.sandbox.hubspot, { path: "/crm/v3/objects/contacts/batch/upsert", status: 503 });
    const { userId, eventId } = await stored();
    const first = await engine(eventId, `app:${userId}`).execute();
    expect((first.error as Error).name).not.toBe("NonRetriableError");
    // Inngest retries the failed step; the memoised claim and resolve-identity are not run again.
    const retry = await engine(eventId, `app:${userId}`).executeStep("sync-crm", {
      steps: [
        { id: "claim", handler: () => ({ steps: ["resolve-identity", "sync-crm"] }) },
        { id: "resolve-identity", handler: () => ({ externalRef: userId }) },
      ],
    });
    expect(retry.error).toBeUndefined();
    const steps = Object.fromEntries(
      (await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, eventId))).map((s) => [s.step, s]),
    );
    expect(steps["resolve-identity"]!.attempts).toBe(1);
    expect(steps["sync-crm"]).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("a run that resurfaces after its event was reclaimed records nothing: the new claim's outcome stands", async () => {
    const { userId, eventId } = await stored();
    // Run A claimed the event (attempts 1) and went quiet; after its lease another run claimed it (attempts 2)
    // and is still running it.
    await h.db.update(events).set({ status: "processing", attempts: 2 }).where(eq(events.id, eventId));
    const stale = { steps: ["resolve-identity"], correlationId: "cor_a", attempts: 1 };
    const { result } = await engine(eventId, `app:${userId}`).execute({
      steps: [{ id: "claim", handler: () => stale }],
    });
    expect(result).toEqual({ status: "not-claimed" });
    const [row] = await h.db.select().from(events).where(eq(events.id, eventId));
    expect(row).toMatchObject({ status: "processing", attempts: 2 });
    // Its step attempt was not recorded either, and its failure handler leaves the event alone.
    expect(await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, eventId))).toHaveLength(0);
    await markEventFailed({ event: { data: { event: { data: { eventId } } } }, error: new Error(SUPERSEDED) });
    expect((await h.db.select().from(events).where(eq(events.id, eventId)))[0]!.status).toBe("processing");
  });
});
