// Durable bulk replay: one transaction records the replay and sets the failed events back to `received`; the
// engine's hand-over is only for speed, so a crash right after the transaction still completes (the sweeper),
// a second replay of the same events takes none of them, and the progress is read from the database.
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, bulkReplays, events, eventSteps } from "@/db/schema";
import type { Actor } from "@/lib/auth/roles";
import * as control from "@/sandbox/client";
import type { HubspotState } from "@/sandbox/client";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { type BulkReplayEnqueue, bulkReplay } from "./replay";
import { bulkReplayProgress, recentReplays } from "./replay-progress";

let h: Harness;
const actor: Actor = { id: null, email: "ops@example.com", role: "admin", via: "api-token" };
/** The instance that started the replay dies before it could hand anything to the engine. */
const crashBeforeEnqueue: BulkReplayEnqueue = async () => {
  throw new Error("killed before the enqueue");
};

beforeAll(async () => {
  h = await startHarness({ retries: 0 });
});
afterAll(() => h?.close());
beforeEach(() => h.sandbox.hubspot.faults.clear());

/** `n` signups whose HubSpot sync fails (a permanent 400): failed at sync-crm, identity resolved. */
async function failedSignups(n: number): Promise<{ ids: string[]; emails: string[] }> {
  h.sandbox.hubspot.faults.add({ path: "/crm/v3/objects/contacts", status: 400, times: "always" });
  const emails: string[] = [];
  for (let i = 0; i < n; i++) {
    const userId = uid("replay");
    emails.push(`${userId}@example.com`);
    expect((await h.postApp(appEvent("user.signed_up", { userId, email: `${userId}@example.com` }))).status).toBe(200);
  }
  await h.settle();
  h.sandbox.hubspot.faults.clear();
  const rows = await h.db
    .select({ id: events.id, status: events.status })
    .from(events)
    .where(inArray(events.externalId, await externalIdsOf(emails)));
  expect(rows.map((r) => r.status)).toEqual(Array(n).fill("failed"));
  return { ids: rows.map((r) => r.id), emails };
}

async function externalIdsOf(emails: string[]): Promise<string[]> {
  const all = await h.db.select({ externalId: events.externalId, rawBody: events.rawBody }).from(events);
  return all.filter((r) => emails.some((e) => r.rawBody?.includes(e))).map((r) => r.externalId);
}

const contactsFor = async (emails: string[]) =>
  (await control.state<HubspotState>(h.sandbox.hubspot)).contacts.filter((c) =>
    emails.includes(String(c.properties.email)),
  );

describe("bulkReplay (durable)", () => {
  it("records the replay and re-queues the events in one go; a crash before the enqueue still completes by the sweep", async () => {
    const { ids, emails } = await failedSignups(3);
    const answer = await bulkReplay(h.db, actor, { ids }, { enqueue: crashBeforeEnqueue });
    expect(answer).toMatchObject({ queued: 3, replayId: expect.any(String) });
    expect(new Set(answer.eventIds)).toEqual(new Set(ids));

    const [row] = await h.db.select().from(bulkReplays).where(eq(bulkReplays.id, answer.replayId));
    expect(row).toMatchObject({ requestedBy: "ops@example.com", total: 3, status: "queued", target: { ids } });
    expect(row!.error).toContain("could not be handed to the job engine");
    expect(new Set(row!.eventIds)).toEqual(new Set(ids));
    const statuses = await h.db.select({ status: events.status }).from(events).where(inArray(events.id, ids));
    expect(statuses.map((s) => s.status)).toEqual(["received", "received", "received"]);
    const audits = await h.db.select().from(auditLog).where(eq(auditLog.targetId, answer.replayId));
    expect(audits).toMatchObject([{ action: "event.bulk_replay", details: { count: 3, ids: 3 } }]);

    // Nothing ran: the replay is pending, for every admin who asks.
    expect(await bulkReplayProgress(h.db, answer.replayId)).toMatchObject({ total: 3, done: 0, pending: 3 });
    expect((await recentReplays(h.db, { unfinished: true })).map((r) => r.id)).toContain(answer.replayId);

    // Any instance's sweeper picks the `received` rows up.
    expect(await h.runner.sweep(0)).toBeGreaterThanOrEqual(3);
    await h.settle();
    const progress = await bulkReplayProgress(h.db, answer.replayId);
    expect(progress).toMatchObject({ status: "finished", total: 3, done: 3, succeeded: 3, failed: 0, pending: 0 });
    expect(progress!.finishedAt).not.toBeNull();
    expect(await contactsFor(emails)).toHaveLength(3);
    // Ran as a delivery: every step ended succeeded (or skipped), none left failed.
    const steps = await h.db
      .select({ status: eventSteps.status })
      .from(eventSteps)
      .where(inArray(eventSteps.eventId, ids));
    expect(steps.filter((s) => s.status !== "succeeded" && s.status !== "skipped")).toEqual([]);
    expect((await recentReplays(h.db, { unfinished: true })).map((r) => r.id)).not.toContain(answer.replayId);
  });

  it("a second replay of the same events takes none of them; the first finishes on the inline engine", async () => {
    const { ids, emails } = await failedSignups(2);
    const first = await bulkReplay(h.db, actor, { ids }, { enqueue: crashBeforeEnqueue });
    const second = await bulkReplay(h.db, actor, { ids });
    expect(second).toMatchObject({ queued: 0, eventIds: [] });
    expect(await bulkReplayProgress(h.db, second.replayId)).toMatchObject({ status: "finished", total: 0 });

    await h.runner.sweep(0);
    await h.settle();
    expect(await bulkReplayProgress(h.db, first.replayId)).toMatchObject({ status: "finished", succeeded: 2 });
    expect(await contactsFor(emails)).toHaveLength(2);
    // Each event ran once more than its first delivery: claimed twice in all, not three times.
    const attempts = await h.db.select({ attempts: events.attempts }).from(events).where(inArray(events.id, ids));
    expect(attempts.map((a) => a.attempts)).toEqual([2, 2]);
  });

  it("with the default engine the replay runs at once, marks itself finished, and reports the events that failed again", async () => {
    const { ids } = await failedSignups(2);
    h.sandbox.hubspot.faults.add({ path: "/crm/v3/objects/contacts", status: 400, times: "always" });
    const answer = await bulkReplay(h.db, actor, { ids });
    await h.settle();
    await new Promise((r) => setTimeout(r, 100)); // the settled callback's write
    const [row] = await h.db.select().from(bulkReplays).where(eq(bulkReplays.id, answer.replayId));
    expect(row).toMatchObject({ status: "finished", error: null });
    const progress = await bulkReplayProgress(h.db, answer.replayId);
    expect(progress).toMatchObject({ total: 2, done: 2, succeeded: 0, failed: 2, pending: 0 });
    expect(new Set(progress!.failedIds)).toEqual(new Set(ids));
    // Failed again, they can be replayed again.
    h.sandbox.hubspot.faults.clear();
    const again = await bulkReplay(h.db, actor, { ids });
    expect(again.queued).toBe(2);
    await h.settle();
    await new Promise((r) => setTimeout(r, 100));
    expect(await bulkReplayProgress(h.db, again.replayId)).toMatchObject({ status: "finished", succeeded: 2 });
  });

  it("leaves events that are not failed alone, and answers undefined for an unknown replay", async () => {
    const userId = uid("ok");
    await h.postApp(appEvent("user.signed_up", { userId, email: `${userId}@example.com` }));
    await h.settle();
    const [ok] = await h.db.select({ id: events.id }).from(events).where(eq(events.status, "succeeded")).limit(1);
    const answer = await bulkReplay(h.db, actor, { ids: [ok!.id] });
    expect(answer.queued).toBe(0);
    const [still] = await h.db.select({ status: events.status }).from(events).where(eq(events.id, ok!.id));
    expect(still!.status).toBe("succeeded");
    expect(await bulkReplayProgress(h.db, "00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });
});
