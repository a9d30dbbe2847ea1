// Configuration and job-engine checks on crafted variables: lib/env.ts's rules, failures in
// production, warnings (what production would refuse) elsewhere, and never a secret value.
import { describe, expect, it } from "vitest";
import { DEMO_DEFAULTS, inspectEnv, type EnvSource } from "@/lib/env";
import { runReadinessChecks } from "./run";
import type { ReadinessCheck } from "./types";

const PRODUCTION: EnvSource = {
  NODE_ENV: "production",
  DATABASE_URL: "postgres://ops:db-password-123@db.example.com:5432/ops",
  AUTH_SECRET: "Zq3v8Kx1Lr7Tn2Wp5Ys9Bd4Fg6Hj0Mc+Qe/Ua==",
  ADMIN_EMAIL: "owner@example.com",
  ADMIN_PASSWORD: "a-long-production-password",
  ADMIN_API_TOKEN: "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
  STRIPE_SECRET_KEY: "sk_live_not_a_real_key",
  STRIPE_WEBHOOK_SECRET: "whsec_live_0123456789abcdef",
  HUBSPOT_ACCESS_TOKEN: "pat-na1-0123-4567",
  ZENDESK_SUBDOMAIN: "acme",
  ZENDESK_EMAIL: "agent@example.com",
  ZENDESK_API_TOKEN: "zd-token-0123456789",
  APP_WEBHOOK_SECRET: "0123456789abcdef0123456789abcdef0123",
};

async function configChecks(source: EnvSource): Promise<Record<string, ReadinessCheck>> {
  const checks = await runReadinessChecks({ env: source, groups: ["configuration", "jobs"] });
  return Object.fromEntries(checks.map((c) => [c.id, c]));
}

describe("configuration checks", () => {
  it("pass on a complete production configuration, in a stable order", async () => {
    const checks = await runReadinessChecks({ env: PRODUCTION, groups: ["configuration", "jobs"] });
    expect(checks.map((c) => c.id)).toEqual([
      "config.required",
      "config.stripe-key",
      "config.webhook-secrets",
      "config.auth-secret",
      "config.admin",
      "config.demo-mode",
      "config.endpoints",
      "config.other",
      "jobs.engine",
    ]);
    for (const c of checks) expect(c, c.id).toMatchObject({ status: "pass", fix: "" });
    expect(checks.find((c) => c.id === "config.endpoints")!.detail).toContain("api.stripe.com");
  });

  it("fail naming every missing variable in production", async () => {
    const c = await configChecks({ NODE_ENV: "production" });
    expect(c["config.required"].status).toBe("fail");
    for (const key of [
      "AUTH_SECRET",
      "ADMIN_PASSWORD",
      "STRIPE_SECRET_KEY",
      "STRIPE_WEBHOOK_SECRET",
      "HUBSPOT_ACCESS_TOKEN",
      "ZENDESK_API_TOKEN",
      "APP_WEBHOOK_SECRET",
    ])
      expect(c["config.required"].detail).toContain(key);
    expect(c["config.required"].fix).toMatch(/^Set the missing variables/);
  });

  it("warn outside production with what a production start would refuse", async () => {
    const c = await configChecks({ NODE_ENV: "development" });
    expect(c["config.required"]).toMatchObject({ status: "warn" });
    expect(c["config.required"].detail).toContain("demo values stand in: AUTH_SECRET");
    expect(c["config.demo-mode"]).toMatchObject({ status: "warn" });
    expect(c["config.demo-mode"].detail).toContain("NODE_ENV=development");
    expect(c["config.endpoints"]).toMatchObject({ status: "warn" });
    expect(c["config.endpoints"].detail).toContain("http://127.0.0.1:12111");
    expect(Object.values(c).filter((x) => x.status === "fail")).toEqual([]);
  });

  it("fail a test-mode key in production and a live key outside it", async () => {
    const prod = await configChecks({ ...PRODUCTION, STRIPE_SECRET_KEY: "sk_test_123" });
    expect(prod["config.stripe-key"]).toMatchObject({ status: "fail" });
    expect(prod["config.stripe-key"].detail).toContain("test-mode key (sk_test_) but NODE_ENV=production");
    const dev = await configChecks({ NODE_ENV: "development", STRIPE_SECRET_KEY: "sk_live_123" });
    expect(dev["config.stripe-key"]).toMatchObject({ status: "fail" });
    expect(dev["config.stripe-key"].detail).toContain("live key (sk_live_) outside production");
  });

  it("warn about a test key in development only as what production would refuse", async () => {
    const c = await configChecks({ NODE_ENV: "development", STRIPE_SECRET_KEY: "sk_test_abc" });
    expect(c["config.stripe-key"].status).toBe("warn");
    expect(c["config.stripe-key"].detail).toMatch(/^Fine for now; a production start would refuse it/);
  });

  it("fail a webhook secret in the wrong format, and demo or short secrets in production", async () => {
    const bad = await configChecks({ ...PRODUCTION, STRIPE_WEBHOOK_SECRET: "sk_live_oops" });
    expect(bad["config.webhook-secrets"]).toMatchObject({ status: "fail" });
    expect(bad["config.webhook-secrets"].detail).toContain("STRIPE_WEBHOOK_SECRET must start with whsec_");
    expect(bad["config.required"].status).toBe("pass"); // named once, by its format
    const demo = await configChecks({ ...PRODUCTION, APP_WEBHOOK_SECRET: DEMO_DEFAULTS.APP_WEBHOOK_SECRET });
    expect(demo["config.webhook-secrets"]).toMatchObject({
      status: "fail",
      detail: "APP_WEBHOOK_SECRET is the demo value.",
    });
    const short = await configChecks({ ...PRODUCTION, APP_WEBHOOK_SECRET: "0123456789abcdefXYZ" });
    expect(short["config.webhook-secrets"].detail).toContain("19 characters; use 32 or more");
  });

  it("judge AUTH_SECRET's length, demo value and variety", async () => {
    expect((await configChecks({ ...PRODUCTION, AUTH_SECRET: "short" }))["config.auth-secret"]).toMatchObject({
      status: "fail",
    });
    expect(
      (await configChecks({ ...PRODUCTION, AUTH_SECRET: DEMO_DEFAULTS.AUTH_SECRET }))["config.auth-secret"].detail,
    ).toContain("demo value");
    const repeated = await configChecks({ ...PRODUCTION, AUTH_SECRET: "ab".repeat(20) });
    expect(repeated["config.auth-secret"]).toMatchObject({
      status: "fail",
      detail: "AUTH_SECRET uses only 2 different characters: it is guessable.",
    });
    const devShort = await configChecks({ NODE_ENV: "development", AUTH_SECRET: "short" });
    expect(devShort["config.auth-secret"].status).toBe("warn");
  });

  it("refuse the demo admin password in production", async () => {
    const c = await configChecks({ ...PRODUCTION, ADMIN_PASSWORD: DEMO_DEFAULTS.ADMIN_PASSWORD });
    expect(c["config.admin"]).toMatchObject({ status: "fail" });
    expect(c["config.admin"].detail).toContain("ADMIN_PASSWORD is the demo password");
  });

  it("fail DEMO_MODE in production, and demo values lib/env.ts does not name itself", async () => {
    const demo = await configChecks({ NODE_ENV: "production", DEMO_MODE: "1" });
    expect(demo["config.demo-mode"]).toMatchObject({ status: "fail" });
    expect(demo["config.demo-mode"].detail).toContain("DEMO_MODE=1 with NODE_ENV=production");
    // The rest is what production would refuse once DEMO_MODE is off: warnings, not repeated failures.
    expect(demo["config.required"].status).toBe("warn");
    const values = await configChecks({ ...PRODUCTION, HUBSPOT_ACCESS_TOKEN: DEMO_DEFAULTS.HUBSPOT_ACCESS_TOKEN });
    expect(values["config.demo-mode"]).toMatchObject({
      status: "fail",
      detail: "These hold the demo values: HUBSPOT_ACCESS_TOKEN.",
    });
  });

  it("fail service endpoints on loopback in production", async () => {
    const c = await configChecks({ ...PRODUCTION, HUBSPOT_BASE_URL: "http://127.0.0.1:12112" });
    expect(c["config.endpoints"]).toMatchObject({ status: "fail" });
    expect(c["config.endpoints"].fix).toContain("HUBSPOT_BASE_URL");
  });

  it("name malformed variables under Other settings", async () => {
    const c = await configChecks({
      ...PRODUCTION,
      DATABASE_URL: "mysql://x",
      EMAIL_DOMAIN: "https://example.com",
      APP_URL: "ops",
    });
    expect(c["config.other"]).toMatchObject({ status: "fail" });
    for (const key of ["DATABASE_URL", "EMAIL_DOMAIN", "APP_URL"]) expect(c["config.other"].detail).toContain(key);
  });

  it("never show a secret value", async () => {
    const c = await configChecks({ ...PRODUCTION, STRIPE_SECRET_KEY: "sk_test_supersecretvalue" });
    const text = JSON.stringify(c);
    for (const key of [
      "sk_test_supersecretvalue",
      PRODUCTION.AUTH_SECRET!,
      PRODUCTION.ADMIN_PASSWORD!,
      "db-password-123",
      PRODUCTION.APP_WEBHOOK_SECRET!,
    ])
      expect(text).not.toContain(key);
  });
});

describe("job engine check", () => {
  it("passes the inline driver and Inngest with both keys", async () => {
    expect((await configChecks(PRODUCTION))["jobs.engine"].detail).toMatch(/^Inline/);
    const inngest = await configChecks({
      ...PRODUCTION,
      JOBS_DRIVER: "inngest",
      INNGEST_EVENT_KEY: "evt-key",
      INNGEST_SIGNING_KEY: "signkey-prod-abc",
      APP_URL: "https://ops.example.com",
    });
    expect(inngest["jobs.engine"]).toMatchObject({ status: "pass" });
    expect(inngest["jobs.engine"].detail).toContain("https://ops.example.com/api/inngest");
  });

  it("fails JOBS_DRIVER=inngest without keys, and a dev server in production", async () => {
    const missing = await configChecks({ ...PRODUCTION, JOBS_DRIVER: "inngest" });
    expect(missing["jobs.engine"]).toMatchObject({ status: "fail" });
    expect(missing["jobs.engine"].detail).toContain("INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY");
    expect(missing["config.other"].status).toBe("pass");
    const dev = await configChecks({ ...PRODUCTION, INNGEST_DEV: "1" });
    expect(dev["jobs.engine"]).toMatchObject({ status: "fail" });
    expect(dev["jobs.engine"].fix).toContain("Unset INNGEST_DEV");
  });

  it("warns on a signing key that does not look like one", async () => {
    const c = await configChecks({ ...PRODUCTION, INNGEST_EVENT_KEY: "evt", INNGEST_SIGNING_KEY: "not-a-signing-key" });
    expect(c["jobs.engine"].status).toBe("warn");
  });
});

describe("inspectEnv", () => {
  it("reads what it can and lists every problem without throwing", () => {
    const { env, problems } = inspectEnv({
      NODE_ENV: "production",
      STRIPE_SECRET_KEY: "pk_live_x",
      EMAIL_DOMAIN: "Example.COM",
    });
    expect(env.STRIPE_SECRET_KEY).toBe("");
    expect(env.EMAIL_DOMAIN).toBe("example.com");
    expect(env.DKIM_SELECTOR).toBe("zendesk1");
    expect(problems[0]).toContain("STRIPE_SECRET_KEY must start with");
    expect(problems.filter((p) => p.startsWith("STRIPE_SECRET_KEY"))).toHaveLength(1);
    expect(problems.some((p) => p.startsWith("AUTH_SECRET is required"))).toBe(true);
  });
});
