// The Inngest engine runs the same steps as the inline driver (real step code, PGlite, sandboxes).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import * as control from "@/sandbox/client";
import type { HubspotState } from "@/sandbox/client";
import { events, eventSteps } from "@/db/schema";
import { storeEvent } from "@/lib/ingest/store";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { WAITING_REASON } from "@/lib/pipeline/engine/process-event";
import { type ReceivedPayload, setInngestSend } from "../send";
import { markEventFailed, processEventFunction, SUPERSEDED } from "./event-pipeline";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(() => h.sandbox.reset());

async function stored(userId = uid("u"), type = "user.signed_up") {
  const e = appEvent(type, { userId, email: `${userId}@example.com` });
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

  it("a run whose event must wait for an earlier one of its customer ends `waiting`; the earlier one's finish re-sends it", async () => {
    const userId = uid("u");
    const first = await stored(userId);
    await new Promise((r) => setTimeout(r, 3));
    const second = await stored(userId, "user.updated");
    const blocked = await engine(second.eventId, `app:${userId}`).execute();
    expect(blocked.result).toEqual({ status: "waiting", reason: WAITING_REASON });
    expect((await h.db.select().from(events).where(eq(events.id, second.eventId)))[0]).toMatchObject({
      status: "received",
      attempts: 0,
    });
    const done = await engine(first.eventId, `app:${userId}`).execute({
      steps: [{ id: "hand-over", handler: () => ({ ids: ["sent"] }) }],
    });
    expect(done.result).toEqual({ status: "succeeded" });
    // A new Inngest id (the row id was used by the run that waited), naming the finish that sent it.
    expect(done.ctx.step.sendEvent).toHaveBeenCalledWith("hand-over", {
      id: `${second.eventId}:after:${first.eventId}:1`,
      name: "ops/event.received",
      data: { eventId: second.eventId, customerKey: `app:${userId}`, mode: "deliver" },
    });
    expect((await engine(second.eventId, `app:${userId}`).execute()).result).toEqual({ status: "succeeded" });
  });

  it("a failure recorded for good hands the customer's next event over too: a failure never wedges it", async () => {
    const sent: ReceivedPayload[] = [];
    setInngestSend(async (p) => void sent.push(...p));
    try {
      await control.fault(h.sandbox.hubspot, {
        path: "/crm/v3/objects/contacts/batch/upsert",
        status: 400,
        times: "always",
      });
      const userId = uid("u");
      const first = await stored(userId);
      await new Promise((r) => setTimeout(r, 3));
      const second = await stored(userId, "user.updated");
      const { error } = await engine(first.eventId, `app:${userId}`).execute();
      expect((error as Error).name).toBe("NonRetriableError");
      expect(sent.map((p) => [p.id, p.data.eventId])).toEqual([
        [`${second.eventId}:after:${first.eventId}:1`, second.eventId],
      ]);
    } finally {
      setInngestSend(undefined);
    }
  });
});
