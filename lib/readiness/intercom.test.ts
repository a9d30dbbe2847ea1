// SUPPORT_PROVIDER=intercom: the Intercom credential check (GET /me through the real intercom-client against the
// sandbox) replaces Zendesk's, and a production start asks for Intercom's variables instead of Zendesk's.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "@/sandbox";
import { fault } from "@/sandbox/client";
import { EnvError, parseEnv, type EnvSource } from "@/lib/env";
import { PRODUCTION_ENV } from "@/test/production-env";
import { runReadinessChecks } from "./run";
import type { ReadinessCheck } from "./types";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => sandbox.reset());

const intercomEnv = (extra: Record<string, string> = {}) => ({
  NODE_ENV: "development",
  STRIPE_API_BASE: sandbox.stripe.url,
  HUBSPOT_BASE_URL: sandbox.hubspot.url,
  ZENDESK_BASE_URL: sandbox.zendesk.url,
  INTERCOM_BASE_URL: sandbox.intercom.url,
  SUPPORT_PROVIDER: "intercom",
  ...extra,
});

async function byId(env: Record<string, string | undefined>): Promise<Record<string, ReadinessCheck>> {
  const checks = await runReadinessChecks({ env, groups: ["integrations"], timeoutMs: 15_000 });
  return Object.fromEntries(checks.map((c) => [c.id, c]));
}

function problemsOf(source: EnvSource): string[] {
  try {
    parseEnv(source);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as EnvError).problems;
  }
}

describe("Intercom readiness", () => {
  it("checks Intercom (GET /me) instead of Zendesk when SUPPORT_PROVIDER=intercom", async () => {
    const c = await byId(intercomEnv());
    expect(Object.keys(c)).toEqual(["integrations.stripe", "integrations.hubspot", "integrations.intercom"]);
    expect(c["integrations.intercom"].status, c["integrations.intercom"].detail).toBe("pass");
    expect(c["integrations.intercom"].detail).toMatch(
      /^Authenticated at http:\/\/127\.0\.0\.1:\d+ \(a local sandbox\)/,
    );
  });

  it("explains a refused token and a rate limit", async () => {
    const refused = await byId(intercomEnv({ INTERCOM_ACCESS_TOKEN: "not-the-token" }));
    expect(refused["integrations.intercom"]).toMatchObject({ status: "fail" });
    expect(refused["integrations.intercom"].detail).toMatch(/^Intercom refused the access token \(401\)\./);
    expect(refused["integrations.intercom"].fix).toContain("INTERCOM_ACCESS_TOKEN");
    await fault(sandbox.intercom, { path: "/me", status: 429 });
    expect((await byId(intercomEnv()))["integrations.intercom"]).toMatchObject({ status: "warn" });
  });
});

describe("production variables with SUPPORT_PROVIDER=intercom", () => {
  const {
    ZENDESK_SUBDOMAIN: _s,
    ZENDESK_EMAIL: _e,
    ZENDESK_API_TOKEN: _t,
    ZENDESK_WEBHOOK_SECRET: _w,
    INTERCOM_ACCESS_TOKEN: _a,
    INTERCOM_WEBHOOK_SECRET: _i,
    ...withoutZendesk
  } = PRODUCTION_ENV;

  it("asks for INTERCOM_ACCESS_TOKEN and INTERCOM_WEBHOOK_SECRET, not the ZENDESK_* variables", () => {
    const problems = problemsOf({ ...withoutZendesk, SUPPORT_PROVIDER: "intercom" });
    expect(problems.some((p) => p.startsWith("INTERCOM_ACCESS_TOKEN is required"))).toBe(true);
    expect(problems.some((p) => p.startsWith("INTERCOM_WEBHOOK_SECRET is required"))).toBe(true);
    expect(problems.some((p) => p.startsWith("ZENDESK_"))).toBe(false);
    expect(
      problemsOf({
        ...withoutZendesk,
        SUPPORT_PROVIDER: "intercom",
        INTERCOM_ACCESS_TOKEN: "dG9rOmxpdmU=",
        INTERCOM_WEBHOOK_SECRET: "c".repeat(32),
      }),
    ).toEqual([]);
  });

  it("still asks for Zendesk's variables by default", () => {
    expect(problemsOf(withoutZendesk).some((p) => p.startsWith("ZENDESK_SUBDOMAIN is required"))).toBe(true);
  });
});
