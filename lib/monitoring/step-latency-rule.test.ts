// The step-latency rule on real step records: the HubSpot sandbox answers slowly (a latency fault), app events
// run through the real webhook route and pipeline, and the ops rules open one alert for "sync-crm", name it in
// words with its p95 and the threshold, and resolve it when the p95 falls below or the slow hour passes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, ne } from "drizzle-orm";
import * as control from "@/sandbox/client";
import { alerts } from "@/db/schema";
import { parseEnv } from "@/lib/env";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { applyRuleResults } from "./apply-rules";
import { evaluateRules, STEP_LATENCY_MIN_SAMPLES, stepLatencyRules, type Thresholds } from "./rules";

const base = parseEnv({ NODE_ENV: "test" }).alertThresholds;
const SLOW_MS = 700;
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

async function signUps(count: number) {
  const answers = await Promise.all(
    Array.from({ length: count }, () => {
      const userId = uid("u");
      return h.postApp(appEvent("user.signed_up", { userId, email: `${userId}@example.com` }));
    }),
  );
  expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
  await h.settle();
}

async function tick(now: Date, t: Thresholds = { ...base, stepP95Ms: 500 }) {
  return applyRuleResults(h.db, await evaluateRules(h.db, t, now), now);
}

const openAlerts = (rule: string) =>
  h.db
    .select()
    .from(alerts)
    .where(and(eq(alerts.rule, rule), ne(alerts.status, "resolved")));

describe("step latency rule", () => {
  it("a slow HubSpot opens one alert for the step, and it resolves below the threshold or when the hour passes", async () => {
    await control.fault(h.sandbox.hubspot, {
      kind: "latency",
      latencyMs: SLOW_MS,
      path: "/crm/v3/objects/contacts/batch/upsert",
      times: "always",
    });
    // One slow call is not a slow step.
    await signUps(1);
    expect((await tick(new Date())).opened).not.toContain("step-latency:sync-crm");

    await signUps(STEP_LATENCY_MIN_SAMPLES);
    const now = new Date();
    const first = await tick(now);
    expect(first.opened).toContain("step-latency:sync-crm");
    // Only the slow step: finding the customer does not call HubSpot.
    expect(first.opened.filter((r) => r.startsWith("step-latency:"))).toEqual(["step-latency:sync-crm"]);
    const [alert] = await openAlerts("step-latency:sync-crm");
    expect(alert!.title).toMatch(/^Slow step: “Upsert the HubSpot contact” takes \d+ ms \(p95\)$/);
    const p95 = Number(/takes (\d+) ms/.exec(alert!.title)![1]);
    expect(p95).toBeGreaterThanOrEqual(SLOW_MS);
    expect(alert!.message).toMatch(
      /^Upsert the HubSpot contact took \d+ ms at the 95th percentile over its \d+ attempts in the last hour \(threshold 500 ms\)\. The service it calls may be slow/,
    );
    // Words only: no env var name, no stored step name.
    expect(alert!.message).not.toContain("ALERT_STEP_P95_MS");
    expect(alert!.message).not.toContain("sync-crm");
    expect(alert!.details).toMatchObject({ href: "/latency?window=1h", value: p95 });

    // The next tick keeps the one alert.
    expect((await tick(now)).opened).toEqual([]);
    expect(await openAlerts("step-latency:sync-crm")).toHaveLength(1);

    // A threshold above the p95: resolved.
    expect((await tick(now, { ...base, stepP95Ms: p95 + 1 })).resolved).toContain("step-latency:sync-crm");
    expect(await openAlerts("step-latency:sync-crm")).toHaveLength(0);

    // Opens again at 500 ms, and resolves by itself once the slow hour is over (no attempts left in it).
    // (a second later: an alert's dedupe key holds its opening time)
    expect((await tick(new Date(now.getTime() + 1000))).opened).toContain("step-latency:sync-crm");
    const later = new Date(now.getTime() + 61 * 60_000);
    expect((await tick(later)).resolved).toContain("step-latency:sync-crm");
    expect(await openAlerts("step-latency:sync-crm")).toHaveLength(0);
  });

  it("the threshold falls back to ALERT_STEP_P95_MS, and a step needs enough attempts", () => {
    const slow = { step: "sync-crm", count: STEP_LATENCY_MIN_SAMPLES - 1, failed: 0, p50Ms: 900, p95Ms: 900 };
    expect(stepLatencyRules([slow], 500).find((r) => r.rule === "step-latency:sync-crm")!.firing).toBe(false);
    const enough = { ...slow, count: STEP_LATENCY_MIN_SAMPLES };
    expect(stepLatencyRules([enough], 500).find((r) => r.rule === "step-latency:sync-crm")!.firing).toBe(true);
    expect(stepLatencyRules([enough], 900).find((r) => r.rule === "step-latency:sync-crm")!.firing).toBe(false);
    // An older step name still gets its result (so its alert can resolve), said as it is.
    const old = stepLatencyRules([{ ...enough, step: "legacy-step" }], 500).find(
      (r) => r.rule === "step-latency:legacy-step",
    );
    expect(old).toMatchObject({ firing: true, title: "Slow step: “legacy-step” takes 900 ms (p95)" });
    expect(old!.message).toContain("legacy-step took 900 ms at the 95th percentile over its 10 attempts");
    const once = stepLatencyRules([{ ...slow, count: 1 }], 500).find((r) => r.rule === "step-latency:sync-crm");
    expect(once!.message).toContain("over its 1 attempt in the last hour (threshold 500 ms)");
  });
});
