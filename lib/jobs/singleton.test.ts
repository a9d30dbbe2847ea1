// One run at a time of a named job across instances: on PostgreSQL (TEST_DATABASE_URL) an advisory lock on a
// reserved connection, so two runs here are two sessions, as two instances would be; on PGlite, this process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { runOpsTick } from "@/lib/monitoring/tick";
import { singletonLockKey, withSingleton } from "./singleton";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
}, 180_000); // a PGlite clone is slow on a busy machine
afterAll(() => handle?.close());

/** A job that runs until released, counting its runs. */
function gatedJob() {
  let runs = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const fn = async () => {
    runs++;
    await gate;
    return runs;
  };
  return { fn, release, runs: () => runs };
}

describe("withSingleton", () => {
  it("runs one of two concurrent runs; the other answers at once that it did not run", async () => {
    const job = gatedJob();
    const first = withSingleton(handle.db, "job-a", job.fn);
    await new Promise((r) => setTimeout(r, 100)); // the first holds the lock
    const second = await withSingleton(handle.db, "job-a", job.fn);
    expect(second).toEqual({ ran: false });
    // Another name is another lock.
    expect(await withSingleton(handle.db, "job-b", async () => "b")).toEqual({ ran: true, value: "b" });
    job.release();
    expect(await first).toEqual({ ran: true, value: 1 });
    expect(job.runs()).toBe(1);
    // Released after the run: the next one runs.
    expect(await withSingleton(handle.db, "job-a", async () => "again")).toEqual({ ran: true, value: "again" });
  });

  it("releases the lock when the job throws", async () => {
    await expect(
      withSingleton(handle.db, "job-c", async () => {
        throw new Error("provider down");
      }),
    ).rejects.toThrow("provider down");
    expect(await withSingleton(handle.db, "job-c", async () => 42)).toEqual({ ran: true, value: 42 });
  });

  it("gives each job name its own stable 64-bit key", () => {
    expect(singletonLockKey("ops-tick")).toBe(singletonLockKey("ops-tick"));
    expect(singletonLockKey("ops-tick")).not.toBe(singletonLockKey("stripe-backfill"));
    expect(BigInt(singletonLockKey("ops-tick"))).toBeLessThan(2n ** 63n);
  });
});

describe("the operations tick", () => {
  it("skips while another tick holds the lock", async () => {
    const job = gatedJob();
    const holder = withSingleton(handle.db, "ops-tick", job.fn);
    await new Promise((r) => setTimeout(r, 100));
    expect(await runOpsTick(handle.db)).toEqual({ skipped: "another tick is running" });
    job.release();
    await holder;
  });
});
