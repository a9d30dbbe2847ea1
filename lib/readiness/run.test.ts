// The runner: every check at once, each within its budget, in a stable order, secrets scrubbed.
import { describe, expect, it } from "vitest";
import { READINESS_CHECKS, runReadinessChecks, summarize } from "./run";
import { pass, warn, type CheckDefinition } from "./types";

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("runReadinessChecks", () => {
  it("keeps the declared order whatever order the checks finish in", async () => {
    const checks: CheckDefinition[] = [
      {
        id: "a.slow",
        group: "configuration",
        title: "Slow",
        run: async () => {
          await delay(60);
          return pass("slow");
        },
      },
      { id: "a.fast", group: "configuration", title: "Fast", run: () => pass("fast") },
      {
        id: "a.middle",
        group: "database",
        title: "Middle",
        run: async () => {
          await delay(20);
          return warn("middle", "Do it.");
        },
      },
    ];
    const results = await runReadinessChecks({ env: {}, checks });
    expect(results.map((r) => r.id)).toEqual(["a.slow", "a.fast", "a.middle"]);
    expect(results[2]).toMatchObject({
      group: "database",
      title: "Middle",
      status: "warn",
      detail: "middle",
      fix: "Do it.",
    });
  });

  it("fails a check that does not finish within its budget, without waiting for it", async () => {
    const checks: CheckDefinition[] = [
      {
        id: "b.hangs",
        group: "public-url",
        title: "Hangs",
        run: () => new Promise(() => {}),
        timeoutFix: "Look at the network.",
      },
      { id: "b.quick", group: "public-url", title: "Quick", run: () => pass("ok") },
    ];
    const started = Date.now();
    const [hangs, quick] = await runReadinessChecks({ env: {}, checks, timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(hangs).toMatchObject({
      status: "fail",
      detail: "Did not finish within 0.2 s.",
      fix: "Look at the network.",
    });
    expect(quick.status).toBe("pass");
  });

  it("turns a check that throws into a failure, and leaves out checks that do not apply", async () => {
    const checks: CheckDefinition[] = [
      {
        id: "c.throws",
        group: "email",
        title: "Throws",
        run: () => {
          throw new Error("boom\nstack");
        },
      },
      { id: "c.skipped", group: "email", title: "Skipped", run: () => null },
    ];
    const results = await runReadinessChecks({ env: {}, checks });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ id: "c.throws", status: "fail", detail: "The check could not run: boom" });
  });

  it("scrubs every secret value from details and fixes", async () => {
    const env = {
      NODE_ENV: "development",
      STRIPE_SECRET_KEY: "sk_test_leaky_secret_value",
      DATABASE_URL: "postgres://ops:hunter2hunter2@db.example.com:5432/ops",
      HUBSPOT_ACCESS_TOKEN: "pat-na1-leaky",
    };
    const checks: CheckDefinition[] = [
      {
        id: "d.leaks",
        group: "integrations",
        title: "Leaks",
        run: (ctx) =>
          warn(
            `key ${ctx.env.STRIPE_SECRET_KEY}, url ${ctx.env.DATABASE_URL}`,
            `password hunter2hunter2, token ${ctx.env.HUBSPOT_ACCESS_TOKEN}`,
          ),
      },
    ];
    const [result] = await runReadinessChecks({ env, checks });
    expect(result.detail).toBe("key [redacted], url [redacted]");
    expect(result.fix).toBe("password [redacted], token [redacted]");
  });

  it("declares unique ids, each in its group", () => {
    const ids = READINESS_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of READINESS_CHECKS)
      expect(c.id.startsWith(c.group === "configuration" ? "config." : `${c.group}.`), c.id).toBe(true);
  });

  it("summarizes by status", () => {
    const base = { id: "x", group: "jobs" as const, title: "x", durationMs: 1 };
    expect(
      summarize([
        { ...base, ...pass("a") },
        { ...base, ...warn("b", "c") },
        { ...base, status: "fail", detail: "d", fix: "e" },
      ]),
    ).toEqual({
      pass: 1,
      warn: 1,
      fail: 1,
      total: 3,
    });
  });
});
