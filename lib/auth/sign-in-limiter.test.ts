// Password guessing is bounded per account whatever the address, and a burst of checks is capped.
import { describe, expect, it } from "vitest";
import { checkSignIn, recordFailedSignIn, SignInBusyError, withPasswordCheckSlot } from "./sign-in-limiter";

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
