// Limits shared by every instance: two limiter objects on one database stand for two processes behind a load
// balancer. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL (the store and the batched sync are the
// same code on both; production picks memory for PGlite, see limiterFor).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { sql } from "drizzle-orm";
import { type DbHandle, openDb } from "@/db";
import { createTestDb } from "@/db/test-db";
import { rateLimits } from "@/db/schema/operations";
import { limiterFor, type Limiter, storeLimiter, SyncedLimiter } from "./shared-limiter";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
}, 180_000); // a PGlite clone is slow on a busy machine
afterAll(() => handle?.close());

/** A PostgreSQL nobody listens on: every query fails (connection refused). */
const unreachableDb = () => openDb({ url: "postgres://ops@127.0.0.1:1/ops" });

let n = 0;
const spec = (points: number) => ({ keyPrefix: `t${n++}`, points, duration: 60 });

/** Consumes `count` points one by one; answers how many were allowed. */
async function consumeMany(limiter: Limiter, key: string, count: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < count; i++)
    await limiter.consume(key).then(
      () => allowed++,
      (err) => {
        if (!(err instanceof RateLimiterRes)) throw err;
      },
    );
  return allowed;
}

/** A database that does not answer until released: a table lock held by another session's transaction. */
function holdRateLimitsTable(db: DbHandle["db"]) {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let locked!: () => void;
  const ready = new Promise<void>((r) => {
    locked = r;
  });
  const done = db.transaction(async (tx) => {
    await tx.execute(sql`lock table rate_limits in access exclusive mode`);
    locked();
    await gate;
  });
  return {
    ready,
    release: async () => {
      release();
      await done;
    },
  };
}

describe("store limiter (exact, a round trip per count)", () => {
  it("two instances share one count", async () => {
    const s = spec(5);
    const [a, b] = [storeLimiter(handle.db, s), storeLimiter(handle.db, s)];
    expect(await consumeMany(a, "203.0.113.1", 3)).toBe(3);
    expect(await consumeMany(b, "203.0.113.1", 4)).toBe(2);
    expect((await a.get("203.0.113.1"))?.consumedPoints).toBeGreaterThanOrEqual(5);
    await expect(a.consume("203.0.113.1")).rejects.toBeInstanceOf(RateLimiterRes);
    // Another key is its own count; a row per key in rate_limits.
    expect(await consumeMany(b, "198.51.100.1", 1)).toBe(1);
    const rows = await handle.db.select().from(rateLimits);
    expect(rows.map((r) => r.key)).toEqual(expect.arrayContaining([`${s.keyPrefix}:203.0.113.1`]));
    // delete (a successful sign-in) forgets it for both.
    await a.delete("203.0.113.1");
    expect(await b.get("203.0.113.1")).toBeNull();
  });

  it("answers from memory when the store fails, and still limits", async () => {
    const broken = await unreachableDb();
    const limiter = storeLimiter(broken.db, spec(3));
    expect(await consumeMany(limiter, "203.0.113.2", 5)).toBe(3);
    expect((await limiter.get("203.0.113.2"))?.consumedPoints).toBe(5);
  });

  it("answers from memory when the store is slow (past its timeout), never waiting for it", async () => {
    const limiter = storeLimiter(handle.db, spec(2), 200);
    const hold = holdRateLimitsTable(handle.db);
    await hold.ready;
    try {
      const started = Date.now();
      expect(await consumeMany(limiter, "203.0.113.3", 3)).toBe(2);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await hold.release();
    }
  });
});

describe("synced limiter (counts in memory, syncs in batches)", () => {
  it("two instances share one count, each learning the other's at its next sync", async () => {
    const s = spec(10);
    const [a, b] = [new SyncedLimiter(handle.db, s, 50), new SyncedLimiter(handle.db, s, 50)];
    expect(await consumeMany(a, "203.0.113.4", 6)).toBe(6);
    await a.sync();
    expect(await consumeMany(b, "203.0.113.4", 4)).toBe(4); // b had not counted yet: 4 of its own
    await b.sync(); // b adds its 4 and reads back the total: 10
    await expect(b.consume("203.0.113.4")).rejects.toBeInstanceOf(RateLimiterRes);
    // a still knows only its own 6 until it syncs: the bounded overshoot of one sync interval.
    expect(await consumeMany(a, "203.0.113.4", 1)).toBe(1);
    await a.sync();
    expect(await consumeMany(a, "203.0.113.4", 3)).toBe(0);
    const [row] = await handle.db
      .select()
      .from(rateLimits)
      .where(sql`key = ${`${s.keyPrefix}:203.0.113.4`}`);
    expect(row?.points).toBe(11);
  });

  it("syncs by itself after syncMs, and a refused request is not counted in the shared row", async () => {
    const s = spec(3);
    const a = new SyncedLimiter(handle.db, s, 20);
    expect(await consumeMany(a, "203.0.113.5", 5)).toBe(3);
    await new Promise((r) => setTimeout(r, 300));
    const [row] = await handle.db
      .select()
      .from(rateLimits)
      .where(sql`key = ${`${s.keyPrefix}:203.0.113.5`}`);
    expect(row?.points).toBe(3);
    const b = new SyncedLimiter(handle.db, s, 20);
    // b's first request is allowed (it has not synced), then it learns the total and refuses.
    expect(await consumeMany(b, "203.0.113.5", 1)).toBe(1);
    await b.sync();
    expect(await consumeMany(b, "203.0.113.5", 2)).toBe(0);
  });

  it("keeps answering from memory when the store fails (the insurance), and limits there", async () => {
    const broken = await unreachableDb();
    const a = new SyncedLimiter(broken.db, spec(4), 10);
    expect(await consumeMany(a, "203.0.113.6", 3)).toBe(3);
    await a.sync(); // fails quietly
    expect(await consumeMany(a, "203.0.113.6", 3)).toBe(1);
  });
});

describe("limiterFor", () => {
  it("keeps the embedded database's single process in memory, and shares over PostgreSQL", () => {
    const s = spec(1);
    const expected = handle.driver === "pglite" ? RateLimiterMemory : SyncedLimiter;
    expect(limiterFor(handle, s, "synced")).toBeInstanceOf(expected);
    expect(limiterFor(undefined, s, "store")).toBeInstanceOf(RateLimiterMemory);
  });
});
