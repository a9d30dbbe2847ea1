// The inline runner serialises one customer's events and runs different customers side by side.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import * as control from "@/sandbox/client";
import { eventSteps } from "@/db/schema";
import { storeEvent } from "@/lib/ingest/store";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

async function store(userId: string, type = "user.signed_up", extra: Record<string, unknown> = {}) {
  const e = appEvent(type, { userId, email: `${userId}@example.com`, ...extra });
  return (
    await storeEvent(h.db, {
      source: "app",
      externalId: e.id,
      type,
      rawBody: JSON.stringify(e),
      occurredAt: new Date(),
    })
  ).id;
}

const syncStep = async (eventId: string) =>
  (await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, eventId))).find((s) => s.step === "sync-crm")!;

describe("InlineRunner", () => {
  it("runs two events of one customer one after the other, even when the first is slow", async () => {
    const userId = uid("u");
    const first = await store(userId);
    const second = await store(userId, "user.updated", { name: "Renamed" });
    await control.fault(h.sandbox.hubspot, {
      kind: "latency",
      latencyMs: 400,
      path: "/crm/v3/objects/contacts/batch/upsert",
    });
    await Promise.all([h.runner.run(first, `app:${userId}`), h.runner.run(second, `app:${userId}`)]);
    const a = await syncStep(first);
    const b = await syncStep(second);
    expect(b.startedAt!.getTime()).toBeGreaterThanOrEqual(a.finishedAt!.getTime());
  });

  it("does not hold one customer's events behind another's", async () => {
    const slow = uid("u");
    const fast = uid("u");
    const slowId = await store(slow);
    const fastId = await store(fast);
    await control.fault(h.sandbox.hubspot, {
      kind: "latency",
      latencyMs: 600,
      path: "/crm/v3/objects/contacts/batch/upsert",
    });
    // The slow customer's HubSpot write leaves first (alone in its batch) and hangs; the other customer's
    // event, started while it hangs, must not wait for it.
    const slowRun = h.runner.run(slowId, `app:${slow}`);
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all([slowRun, h.runner.run(fastId, `app:${fast}`)]);
    const rows = await h.db
      .select()
      .from(eventSteps)
      .where(inArray(eventSteps.eventId, [slowId, fastId]));
    const slowSync = rows.find((r) => r.eventId === slowId && r.step === "sync-crm")!;
    const fastSync = rows.find((r) => r.eventId === fastId && r.step === "sync-crm")!;
    expect(fastSync.finishedAt!.getTime()).toBeLessThan(slowSync.finishedAt!.getTime());
  });

  it("ignores a second run of an event already in flight", async () => {
    const userId = uid("u");
    const id = await store(userId);
    const [a, b] = await Promise.all([h.runner.run(id, `app:${userId}`), h.runner.run(id, `app:${userId}`)]);
    expect([a.status, b.status].sort()).toEqual(["not-claimed", "succeeded"]);
  });
});
