// The provider rate budget on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): two budgets on
// one database (two processes of a deployment) share one limit; a full window makes callers wait, never fail
// and never exceed it; a HubSpot sandbox enforcing the limit answers no 429; bad settings are refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { EnvError, parseEnv } from "@/lib/env";
import * as control from "@/sandbox/client";
import type { HubspotState } from "@/sandbox/client";
import { startSandbox, type Sandbox } from "@/sandbox";
import { HubspotService } from "../hubspot/client";
import { RateBudget, budgetKey, parseRateLimit } from "./index";

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle?.close());

const budget = (key: string, max: number, windowMs: number, marginMs = 100) =>
  new RateBudget({ key, limit: { max, windowMs }, db: async () => handle.db, marginMs });

/** The largest number of times that fall within any `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe("RateBudget", () => {
  it("two budgets on one database share the limit, and callers wait rather than exceed it", async () => {
    const key = budgetKey("hubspot", `token-${Math.random()}`);
    const a = budget(key, 10, 1000);
    const b = budget(key, 10, 1000);
    const started = Date.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).spend().then(() => times.push(Date.now()))));
    const elapsed = Date.now() - started;
    expect(times).toHaveLength(30);
    // 30 calls at 10 per (1 s + 100 ms margin): the last ten wait for the third window.
    expect(elapsed).toBeGreaterThanOrEqual(2 * 1000);
    expect(elapsed).toBeLessThan(6_000);
    expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(10);
    // Both processes were served, and each statement took several units when several callers waited.
    expect(a.stats.granted).toBeGreaterThan(0);
    expect(b.stats.granted).toBeGreaterThan(0);
    expect(a.stats.granted + b.stats.granted).toBeGreaterThanOrEqual(30);
    expect(a.stats.statements + b.stats.statements).toBeLessThan(30);
  });

  it("budgets of different accounts do not share", async () => {
    const a = budget(budgetKey("hubspot", "account-a"), 3, 10_000);
    const b = budget(budgetKey("hubspot", "account-b"), 3, 10_000);
    const started = Date.now();
    await Promise.all([...Array.from({ length: 3 }, () => a.spend()), ...Array.from({ length: 3 }, () => b.spend())]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("a broken ledger lets calls through rather than stopping the pipeline", async () => {
    const broken = new RateBudget({
      key: "hubspot:broken",
      limit: { max: 1, windowMs: 1000 },
      db: async () => {
        throw new Error("database down");
      },
    });
    await Promise.all([broken.spend(), broken.spend()]);
  });

  it("a HubSpot sandbox enforcing 20 calls per second answers no 429 to budgeted clients", async () => {
    const TOKEN = "pat-budget-suite";
    const sandbox: Sandbox = await startSandbox({ hubspotToken: TOKEN });
    try {
      await control.configure(sandbox.hubspot, { rateLimit: { max: 20, windowMs: 1000 } });
      const key = budgetKey("hubspot", TOKEN);
      // Two "processes", each with its own client and batcher, one budget row.
      const clients = [0, 1].map(
        () =>
          new HubspotService({
            accessToken: TOKEN,
            baseUrl: sandbox.hubspot.url,
            // A margin for a test process whose event loop also runs the database and the sandbox.
            budget: budget(key, 20, 1000, 300),
            batch: { lingerMs: 5, maxBatch: 2 },
          }),
      );
      const ids = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          clients[i % 2]!.upsertContact({ appUserId: `lim_${i}`, email: `lim_${i}@example.com`, properties: {} }),
        ),
      );
      expect(new Set(ids).size).toBe(60);
      const state = await control.state<HubspotState & { counters: { calls: number; rateLimited: number } }>(
        sandbox.hubspot,
      );
      expect(state.counters.rateLimited).toBe(0);
      expect(state.counters.calls).toBeGreaterThan(20);
    } finally {
      await sandbox.close();
    }
  });
});

describe("HUBSPOT_RATE_LIMIT and ZENDESK_RATE_LIMIT", () => {
  it("default to HubSpot Starter's 100/10s and Zendesk's 200/60s", () => {
    const env = parseEnv({ NODE_ENV: "development" });
    expect(env.HUBSPOT_RATE_LIMIT).toEqual({ max: 100, windowMs: 10_000 });
    expect(env.ZENDESK_RATE_LIMIT).toEqual({ max: 200, windowMs: 60_000 });
  });

  it("read calls per window in ms, s, m or h", () => {
    expect(parseEnv({ NODE_ENV: "development", HUBSPOT_RATE_LIMIT: "190/10s" }).HUBSPOT_RATE_LIMIT).toEqual({
      max: 190,
      windowMs: 10_000,
    });
    expect(parseRateLimit("700/1m")).toEqual({ max: 700, windowMs: 60_000 });
    expect(parseRateLimit("10/s")).toEqual({ max: 10, windowMs: 1000 });
    expect(parseRateLimit(" 5 / 500ms ")).toEqual({ max: 5, windowMs: 500 });
  });

  it("refuse a bad value with a message naming the variable and an example", () => {
    for (const bad of ["100", "100/10", "0/10s", "-5/10s", "fast", "100/10 parsecs", "1.5/10s", "100/0s"]) {
      let caught: unknown;
      try {
        parseEnv({ NODE_ENV: "development", HUBSPOT_RATE_LIMIT: bad, ZENDESK_RATE_LIMIT: bad });
      } catch (err) {
        caught = err;
      }
      expect(caught, bad).toBeInstanceOf(EnvError);
      const problems = (caught as EnvError).problems;
      expect(problems.some((p) => p.startsWith("HUBSPOT_RATE_LIMIT must be calls per window such as 100/10s"))).toBe(
        true,
      );
      expect(problems.some((p) => p.startsWith("ZENDESK_RATE_LIMIT must be"))).toBe(true);
    }
  });
});
