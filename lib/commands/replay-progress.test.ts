// Bulk replay progress: which queued events finished since the replay, and how.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { events, type EventStatus } from "@/db/schema";
import { replayProgress } from "./replay-progress";

let handle: DbHandle;
let n = 0;

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle?.close());

async function newEvent(status: EventStatus, processedAt: Date | null) {
  const [row] = await handle.db
    .insert(events)
    .values({
      source: "app",
      externalId: `evt_${n++}`,
      type: "user.signed_up",
      status,
      correlationId: `corr_${n}`,
      rawBody: "{}",
      processedAt,
    })
    .returning({ id: events.id });
  return row!.id;
}

describe("replayProgress", () => {
  it("counts succeeded, failed again, still waiting, running and vanished events", async () => {
    const since = new Date();
    const before = new Date(since.getTime() - 60_000);
    const after = new Date(since.getTime() + 1_000);
    const succeeded = await newEvent("succeeded", after);
    const failedAgain = await newEvent("failed", after);
    const notYetRun = await newEvent("failed", before);
    const running = await newEvent("processing", before);
    const gone = "00000000-0000-0000-0000-000000000000";
    const p = await replayProgress(handle.db, [succeeded, failedAgain, notYetRun, running, gone], since);
    expect(p).toEqual({ total: 5, done: 3, succeeded: 1, failed: 1, pending: 2, missing: 1, failedIds: [failedAgain] });
  });

  it("answers zeros for nothing queued", async () => {
    expect(await replayProgress(handle.db, [], new Date())).toMatchObject({ total: 0, done: 0, pending: 0 });
  });
});
