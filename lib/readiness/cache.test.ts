// The Readiness page's cache: local checks run on every load, the network checks (real SDK calls to the
// sandboxes over HTTP) at most once a minute, concurrent loads share one run, only an admin forces a re-run,
// and the doctor's runReadinessChecks always runs fresh.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startSandbox, type Sandbox } from "@/sandbox";
import { requests } from "@/sandbox/client";
import type { Actor } from "@/lib/auth/roles";
import { clearReadinessCache, NETWORK_CHECKS_TTL_MS, readinessForPage } from "./cache";
import { READINESS_CHECKS, runReadinessChecks } from "./run";
import { pass, type CheckDefinition } from "./types";

// The session gate of server actions, as in lib/actions/safe-action.test.ts: who is signed in.
const gate = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("@/lib/auth/access", async () => {
  const { checkRole, AccessError } = await vi.importActual<typeof import("@/lib/auth/access")>("@/lib/auth/access");
  return {
    AccessError,
    requireActionActor: async (minRole: "owner" | "admin" | "viewer") => checkRole(gate.actor, minRole),
  };
});

let sandbox: Sandbox;
const saved: Record<string, string | undefined> = {};
beforeAll(async () => {
  sandbox = await startSandbox();
  for (const [k, v] of Object.entries(sandboxEnv())) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await sandbox?.close();
});
beforeEach(async () => {
  clearReadinessCache();
  gate.actor = null;
  await sandbox.reset();
});

const sandboxEnv = () => ({
  STRIPE_API_BASE: sandbox.stripe.url,
  HUBSPOT_BASE_URL: sandbox.hubspot.url,
  ZENDESK_BASE_URL: sandbox.zendesk.url,
});
const env = () => ({ NODE_ENV: "development", ...sandboxEnv() });
const stripeCalls = async () => (await requests(sandbox.stripe, { path: "/v1/customers" })).length;

/** A local check that counts its runs, and the real integration checks. */
function checksCounting() {
  const runs = { local: 0 };
  const local: CheckDefinition = {
    id: "config.counted",
    group: "configuration",
    title: "Counted",
    run: () => {
      runs.local++;
      return pass("local");
    },
  };
  const checks = [local, ...READINESS_CHECKS.filter((c) => c.group === "integrations")];
  return { runs, checks };
}

describe("the Readiness page's network checks", () => {
  it("run once a minute per process; local checks run on every load", async () => {
    const { runs, checks } = checksCounting();
    let clock = new Date("2026-11-27T12:00:00Z");
    const opts = { env: env(), checks, now: () => clock, timeoutMs: 15_000 };

    const first = await readinessForPage(opts);
    expect(first.networkFresh).toBe(true);
    expect(first.networkCheckedAt).toEqual(new Date("2026-11-27T12:00:00Z"));
    expect(first.checks.map((c) => c.id)).toEqual([
      "config.counted",
      "integrations.stripe",
      "integrations.hubspot",
      "integrations.zendesk",
    ]);
    expect(first.checks.filter((c) => c.group === "integrations").map((c) => c.status)).toEqual([
      "pass",
      "pass",
      "pass",
    ]);
    const afterFirst = await stripeCalls();
    expect(afterFirst).toBeGreaterThan(0);

    clock = new Date(clock.getTime() + 40_000);
    const second = await readinessForPage(opts);
    expect(second.networkFresh).toBe(false);
    expect(second.networkCheckedAt).toEqual(first.networkCheckedAt);
    expect(second.checks.map((c) => c.id)).toEqual(first.checks.map((c) => c.id));
    expect(await stripeCalls()).toBe(afterFirst);
    expect(runs.local).toBe(2);

    clock = new Date(first.networkCheckedAt.getTime() + NETWORK_CHECKS_TTL_MS);
    const third = await readinessForPage(opts);
    expect(third.networkFresh).toBe(true);
    expect(third.networkCheckedAt).toEqual(clock);
    expect(await stripeCalls()).toBeGreaterThan(afterFirst);
  });

  it("share one run between loads arriving together", async () => {
    const { checks } = checksCounting();
    const opts = { env: env(), checks, timeoutMs: 15_000 };
    const loads = await Promise.all(Array.from({ length: 5 }, () => readinessForPage(opts)));
    expect(new Set(loads.map((l) => l.networkCheckedAt.getTime())).size).toBe(1);
    expect(await stripeCalls()).toBe(1);
  });

  it("run again when forced, within the minute", async () => {
    const { checks } = checksCounting();
    const opts = { env: env(), checks, timeoutMs: 15_000 };
    await readinessForPage(opts);
    const before = await stripeCalls();
    const forced = await readinessForPage({ ...opts, force: true });
    expect(forced.networkFresh).toBe(true);
    expect(await stripeCalls()).toBeGreaterThan(before);
  });

  it("are never cached for the doctor (runReadinessChecks)", async () => {
    await runReadinessChecks({ env: env(), groups: ["integrations"], timeoutMs: 15_000 });
    await runReadinessChecks({ env: env(), groups: ["integrations"], timeoutMs: 15_000 });
    expect(await stripeCalls()).toBe(2);
  });
});

describe("Run again (rerunReadinessAction)", () => {
  const admin: Actor = { id: "u1", email: "admin@example.com", role: "admin", via: "session" };

  it("refuses a viewer (403) and a signed-out caller (401) without calling any service", async () => {
    const { rerunReadinessAction } = await import("@/lib/actions/rerun-readiness-action");
    expect(await rerunReadinessAction()).toEqual({ ok: false, status: 401, error: "Sign in required." });
    gate.actor = { ...admin, role: "viewer" };
    expect(await rerunReadinessAction()).toEqual({
      ok: false,
      status: 403,
      error: "This needs the admin role; you are viewer.",
    });
    expect(await stripeCalls()).toBe(0);
  });

  it("re-runs the network checks for an admin, and the next page load shows that run", async () => {
    const { rerunReadinessAction } = await import("@/lib/actions/rerun-readiness-action");
    gate.actor = admin;
    const result = await rerunReadinessAction();
    expect(result).toMatchObject({ ok: true });
    expect(await stripeCalls()).toBe(1);
    const page = await readinessForPage({ env: env(), checks: checksCounting().checks });
    expect(page.networkFresh).toBe(false);
    expect(page.networkCheckedAt.toISOString()).toBe((result as { checkedAt: string }).checkedAt);
    expect(await stripeCalls()).toBe(1);
  });
});
