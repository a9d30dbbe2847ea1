// Password guessing is bounded per account whatever the address, and a burst of checks is capped. With
// TEST_DATABASE_URL the counts are kept in PostgreSQL (shared by instances), else in memory (PGlite).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, setDbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import {
  checkSignIn,
  clearSignInFailures,
  recordFailedSignIn,
  SignInBusyError,
  withPasswordCheckSlot,
} from "./sign-in-limiter";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  setDbHandle(handle);
}, 180_000); // a PGlite clone is slow on a busy machine
afterAll(async () => {
  setDbHandle(undefined);
  await handle?.close();
});

describe("sign-in limiter", () => {
  it("blocks an email after 20 failures spread over 20 addresses (5 per email+address, 30 per address)", async () => {
    const email = `victim-${Date.now()}@example.com`;
    for (let i = 0; i < 19; i++) expect((await recordFailedSignIn(email, `203.0.113.${i}`)).allowed).toBe(true);
    expect((await checkSignIn(email, "198.51.100.200")).allowed).toBe(true);
    expect((await recordFailedSignIn(email, "203.0.113.19")).allowed).toBe(true);
    const fresh = await checkSignIn(email, "198.51.100.201");
    expect(fresh.allowed).toBe(false);
    expect(fresh.allowed === false && fresh.retryAfterSeconds).toBeGreaterThan(0);
    expect((await checkSignIn(`other-${Date.now()}@example.com`, "198.51.100.201")).allowed).toBe(true);
  });

  it("forgets an email's failures from an address after a successful sign-in, not the others", async () => {
    const email = `forgetful-${Date.now()}@example.com`;
    for (let i = 0; i < 4; i++) await recordFailedSignIn(email, "203.0.113.50");
    expect((await recordFailedSignIn(email, "203.0.113.50")).allowed).toBe(true);
    expect((await checkSignIn(email, "203.0.113.50")).allowed).toBe(false);
    await clearSignInFailures(email, "203.0.113.50");
    expect((await checkSignIn(email, "203.0.113.50")).allowed).toBe(true);
  });

  it("runs at most two password checks at once and refuses past eight waiting", async () => {
    let running = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const check = () =>
      new Promise<boolean>((resolve) => {
        running++;
        peak = Math.max(peak, running);
        release.push(() => {
          running--;
          resolve(true);
        });
      });
    const accepted = Array.from({ length: 10 }, () => withPasswordCheckSlot(check));
    await expect(withPasswordCheckSlot(check)).rejects.toBeInstanceOf(SignInBusyError);
    while (release.length || running) {
      await new Promise((r) => setTimeout(r, 5));
      release.shift()?.();
    }
    expect(await Promise.all(accepted)).toEqual(Array(10).fill(true));
    expect(peak).toBe(2);
  });
});
