import { describe, expect, it } from "vitest";
import { DEMO_DEFAULTS, EnvError, parseEnv, type EnvSource } from "./env";
import { PRODUCTION_ENV as PRODUCTION } from "@/test/production-env";

function problemsOf(source: EnvSource): string[] {
  try {
    parseEnv(source);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as EnvError).problems;
  }
}

describe("parseEnv", () => {
  it("accepts a complete production configuration", () => {
    const env = parseEnv(PRODUCTION);
    expect(env.isProduction).toBe(true);
    expect(env.JOBS_DRIVER).toBe("inline");
    expect(env.STRIPE_API_BASE).toBeUndefined();
  });

  it("fills demo defaults outside production and points them at the sandboxes", () => {
    const env = parseEnv({ NODE_ENV: "development" });
    expect(env.ADMIN_PASSWORD).toBe(DEMO_DEFAULTS.ADMIN_PASSWORD);
    expect(env.STRIPE_API_BASE).toBe("http://127.0.0.1:12111");
    expect(env.HUBSPOT_BASE_URL).toBe("http://127.0.0.1:12112");
    expect(env.ZENDESK_BASE_URL).toBe("http://127.0.0.1:12113");
  });

  it.each([
    "AUTH_SECRET",
    "ADMIN_PASSWORD",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "HUBSPOT_ACCESS_TOKEN",
    "APP_WEBHOOK_SECRET",
  ])("names %s when it is missing in production", (key) => {
    const problems = problemsOf({ ...PRODUCTION, [key]: undefined });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(key);
    expect(problems[0]).toContain("required when NODE_ENV=production");
  });

  it("treats an empty value as missing", () => {
    expect(problemsOf({ ...PRODUCTION, AUTH_SECRET: "  " })[0]).toContain("AUTH_SECRET is required");
  });

  it("refuses a test-mode Stripe key in production", () => {
    const [problem] = problemsOf({ ...PRODUCTION, STRIPE_SECRET_KEY: "sk_test_123" });
    expect(problem).toMatch(/STRIPE_SECRET_KEY is a test-mode key \(sk_test_\) but NODE_ENV=production/);
  });

  it("refuses a live Stripe key outside production", () => {
    expect(problemsOf({ NODE_ENV: "development", STRIPE_SECRET_KEY: "sk_live_123" })[0]).toContain("live key");
  });

  it("refuses the demo admin password, a short password and a short AUTH_SECRET in production", () => {
    expect(problemsOf({ ...PRODUCTION, ADMIN_PASSWORD: DEMO_DEFAULTS.ADMIN_PASSWORD })[0]).toContain(
      "ADMIN_PASSWORD is the demo password",
    );
    expect(problemsOf({ ...PRODUCTION, ADMIN_PASSWORD: "short" })[0]).toContain("ADMIN_PASSWORD is too short");
    expect(problemsOf({ ...PRODUCTION, AUTH_SECRET: "short" })[0]).toContain("AUTH_SECRET is too short");
    expect(problemsOf({ ...PRODUCTION, ADMIN_API_TOKEN: DEMO_DEFAULTS.ADMIN_API_TOKEN })[0]).toContain(
      "ADMIN_API_TOKEN",
    );
  });

  it("allows sandbox keys in a production build only with DEMO_MODE=1", () => {
    expect(problemsOf({ NODE_ENV: "production" }).length).toBeGreaterThan(5);
    const env = parseEnv({ NODE_ENV: "production", DEMO_MODE: "1" });
    expect(env.isProduction).toBe(false);
    expect(env.STRIPE_SECRET_KEY).toBe(DEMO_DEFAULTS.STRIPE_SECRET_KEY);
  });

  it.each([
    ["STRIPE_API_BASE", "not a url"],
    ["HUBSPOT_BASE_URL", "http://127.0.0.1:4010/crm/v3"],
    ["ZENDESK_BASE_URL", "ftp://127.0.0.1"],
  ])("names %s when the base URL is not an origin", (key, value) => {
    const [problem] = problemsOf({ NODE_ENV: "development", [key]: value });
    expect(problem).toContain(`${key} must be an origin`);
  });

  it("accepts base URL origins and trims a trailing slash", () => {
    expect(parseEnv({ NODE_ENV: "development", STRIPE_API_BASE: "http://127.0.0.1:4010/" }).STRIPE_API_BASE).toBe(
      "http://127.0.0.1:4010",
    );
  });

  it.each([
    ["STRIPE_WEBHOOK_SECRET", "secret", "must start with whsec_"],
    ["STRIPE_SECRET_KEY", "pk_test_123", "must start with sk_test_"],
    ["DATABASE_URL", "mysql://x", "DATABASE_URL must start with postgres://"],
    ["ADMIN_EMAIL", "not-an-email", "ADMIN_EMAIL must be an email"],
    ["JOBS_DRIVER", "redis", "JOBS_DRIVER must be inline or inngest"],
    ["APP_WEBHOOK_SECRET", "short", "APP_WEBHOOK_SECRET must be at least 16"],
    ["ALERT_WEBHOOK_URL", "hooks.slack.com/x", "ALERT_WEBHOOK_URL must be a URL"],
  ])("names %s when its format is wrong", (key, value, message) => {
    expect(problemsOf({ NODE_ENV: "development", [key]: value }).join("\n")).toContain(message);
  });

  it("needs Inngest keys for JOBS_DRIVER=inngest and picks inngest when keys are given", () => {
    expect(problemsOf({ NODE_ENV: "development", JOBS_DRIVER: "inngest" })[0]).toContain(
      "INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY",
    );
    expect(parseEnv({ NODE_ENV: "development", INNGEST_EVENT_KEY: "k", INNGEST_SIGNING_KEY: "s" }).JOBS_DRIVER).toBe(
      "inngest",
    );
    expect(parseEnv({ NODE_ENV: "development", INNGEST_DEV: "1" }).JOBS_DRIVER).toBe("inngest");
  });

  it("reads the inline driver's processing lease (JOBS_STALE_AFTER_SECONDS, default 20)", () => {
    expect(parseEnv({ NODE_ENV: "development" }).JOBS_STALE_AFTER_SECONDS).toBe(20);
    expect(parseEnv({ NODE_ENV: "development", JOBS_STALE_AFTER_SECONDS: "10" }).JOBS_STALE_AFTER_SECONDS).toBe(10);
    expect(problemsOf({ NODE_ENV: "development", JOBS_STALE_AFTER_SECONDS: "0" }).join("\n")).toContain(
      "JOBS_STALE_AFTER_SECONDS must be a whole number ≥ 1",
    );
  });

  it("APP_API_TOKEN in production: not the demo value, at least 24 characters, not the admin token", () => {
    const problems = (v: string) => problemsOf({ ...PRODUCTION, APP_API_TOKEN: v }).join("\n");
    expect(problems(DEMO_DEFAULTS.APP_API_TOKEN)).toContain("APP_API_TOKEN must be your own random value");
    expect(problems("short")).toContain("APP_API_TOKEN must be your own random value");
    expect(problems(String(PRODUCTION.ADMIN_API_TOKEN))).toContain("APP_API_TOKEN must differ from ADMIN_API_TOKEN");
    expect(problems("b".repeat(32))).toBe("");
  });

  it("reads RECONCILE_MINUTES (default 60, 0 turns the periodic drift check off) and names a bad value", () => {
    expect(parseEnv({ NODE_ENV: "development" }).RECONCILE_MINUTES).toBe(60);
    expect(parseEnv({ NODE_ENV: "development", RECONCILE_MINUTES: "0" }).RECONCILE_MINUTES).toBe(0);
    expect(problemsOf({ NODE_ENV: "development", RECONCILE_MINUTES: "-5" }).join("\n")).toContain(
      "RECONCILE_MINUTES must be",
    );
  });

  it("reads STRIPE_BACKFILL_MINUTES (default 10, 0 turns the backfill off) and names a bad value", () => {
    expect(parseEnv({ NODE_ENV: "development" }).STRIPE_BACKFILL_MINUTES).toBe(10);
    expect(parseEnv({ NODE_ENV: "development", STRIPE_BACKFILL_MINUTES: "0" }).STRIPE_BACKFILL_MINUTES).toBe(0);
    expect(parseEnv({ NODE_ENV: "development", STRIPE_BACKFILL_MINUTES: " " }).STRIPE_BACKFILL_MINUTES).toBe(10);
    for (const bad of ["-1", "2.5", "often", "1441"])
      expect(problemsOf({ NODE_ENV: "development", STRIPE_BACKFILL_MINUTES: bad }).join("\n")).toContain(
        "STRIPE_BACKFILL_MINUTES must be",
      );
  });

  it("reads STRIPE_SILENCE_HOURS (default 24, 0 turns the silence alert off) and names a bad value", () => {
    expect(parseEnv({ NODE_ENV: "development" }).STRIPE_SILENCE_HOURS).toBe(24);
    expect(parseEnv({ NODE_ENV: "development" }).alertThresholds.stripeSilenceHours).toBe(24);
    expect(parseEnv({ NODE_ENV: "development", STRIPE_SILENCE_HOURS: "0" }).STRIPE_SILENCE_HOURS).toBe(0);
    expect(parseEnv({ NODE_ENV: "development", STRIPE_SILENCE_HOURS: "1.5" }).alertThresholds.stripeSilenceHours).toBe(
      1.5,
    );
    for (const bad of ["-1", "daily", "721"])
      expect(problemsOf({ NODE_ENV: "development", STRIPE_SILENCE_HOURS: bad }).join("\n")).toContain(
        "STRIPE_SILENCE_HOURS must be",
      );
  });

  it("refuses INNGEST_DEV in production (unsigned /api/inngest calls), but not with DEMO_MODE or outside production", () => {
    const problems = problemsOf({ ...PRODUCTION, INNGEST_DEV: "1" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^INNGEST_DEV is set but NODE_ENV=production: \/api\/inngest would run unsigned calls/);
    expect(
      problemsOf({
        ...PRODUCTION,
        INNGEST_DEV: "1",
        JOBS_DRIVER: "inngest",
        INNGEST_EVENT_KEY: "evt-key",
        INNGEST_SIGNING_KEY: "signkey-prod-abc",
      }).some((p) => p.startsWith("INNGEST_DEV")),
    ).toBe(true);
    expect(problemsOf({ ...PRODUCTION, INNGEST_DEV: "" })).toEqual([]);
    expect(parseEnv({ NODE_ENV: "production", DEMO_MODE: "1", INNGEST_DEV: "1" }).INNGEST_DEV).toBe("1");
    expect(parseEnv({ NODE_ENV: "development", INNGEST_DEV: "1" }).INNGEST_DEV).toBe("1");
  });

  it("refuses an ADMIN_PASSWORD longer than bcrypt's 72 bytes, counting UTF-8 bytes", () => {
    expect(problemsOf({ ...PRODUCTION, ADMIN_PASSWORD: "a".repeat(72) })).toEqual([]);
    const [problem] = problemsOf({ ...PRODUCTION, ADMIN_PASSWORD: "é".repeat(37) }); // 37 characters, 74 bytes
    expect(problem).toContain("ADMIN_PASSWORD is longer than 72 bytes");
    expect(problemsOf({ NODE_ENV: "development", ADMIN_PASSWORD: "a".repeat(73) })[0]).toContain("72 bytes");
  });

  it("reads PAST_DUE_ACCESS (keep by default, or pause) and names it when it is anything else", () => {
    expect(parseEnv({ NODE_ENV: "development" }).PAST_DUE_ACCESS).toBe("keep");
    expect(parseEnv({ ...PRODUCTION, PAST_DUE_ACCESS: "pause" }).PAST_DUE_ACCESS).toBe("pause");
    expect(parseEnv({ ...PRODUCTION, PAST_DUE_ACCESS: " " }).PAST_DUE_ACCESS).toBe("keep");
    const [problem] = problemsOf({ ...PRODUCTION, PAST_DUE_ACCESS: "stop" });
    expect(problem).toContain("PAST_DUE_ACCESS must be keep");
  });

  it("lists every problem at once", () => {
    const problems = problemsOf({ ...PRODUCTION, AUTH_SECRET: undefined, STRIPE_SECRET_KEY: "sk_test_1" });
    expect(problems.some((p) => p.includes("AUTH_SECRET"))).toBe(true);
    expect(problems.some((p) => p.includes("STRIPE_SECRET_KEY"))).toBe(true);
  });
});
