// The rules across variables: what production requires (set, not a demo value, long enough, no test key) and
// which settings need one another (Inngest's keys). Each problem is a sentence naming the variable.
import type { RawEnv } from "./env-schema";
import { DEMO_DEFAULTS } from "./env-settings";

const REQUIRED_IN_PRODUCTION = [
  "AUTH_SECRET",
  "ADMIN_EMAIL",
  "ADMIN_PASSWORD",
  "ADMIN_API_TOKEN",
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "HUBSPOT_ACCESS_TOKEN",
  "ZENDESK_SUBDOMAIN",
  "ZENDESK_EMAIL",
  "ZENDESK_API_TOKEN",
  "APP_WEBHOOK_SECRET",
] as const;

export function envProblems(r: RawEnv): string[] {
  const problems: string[] = [];
  const strict = r.NODE_ENV === "production" && !r.DEMO_MODE;
  if (strict) {
    // SUPPORT_PROVIDER=intercom: Intercom's credentials instead of Zendesk's.
    const intercom = r.SUPPORT_PROVIDER === "intercom";
    const required = [
      ...REQUIRED_IN_PRODUCTION.filter((key) => !(intercom && key.startsWith("ZENDESK_"))),
      ...(intercom ? (["INTERCOM_ACCESS_TOKEN", "INTERCOM_WEBHOOK_SECRET"] as const) : []),
    ];
    for (const key of required) {
      if (!r[key])
        problems.push(
          `${key} is required when NODE_ENV=production (set it in the environment; see README "Production").`,
        );
    }
    if (r.AUTH_SECRET && r.AUTH_SECRET.length < 32)
      problems.push(
        "AUTH_SECRET is too short for production: use at least 32 random characters (openssl rand -base64 32).",
      );
    if (r.AUTH_SECRET === DEMO_DEFAULTS.AUTH_SECRET)
      problems.push("AUTH_SECRET is the demo value: generate your own (openssl rand -base64 32).");
    if (r.ADMIN_PASSWORD && r.ADMIN_PASSWORD === DEMO_DEFAULTS.ADMIN_PASSWORD)
      problems.push("ADMIN_PASSWORD is the demo password: choose your own for production.");
    else if (r.ADMIN_PASSWORD && r.ADMIN_PASSWORD.length < 12)
      problems.push("ADMIN_PASSWORD is too short for production: use at least 12 characters.");
    if (r.ADMIN_API_TOKEN && (r.ADMIN_API_TOKEN === DEMO_DEFAULTS.ADMIN_API_TOKEN || r.ADMIN_API_TOKEN.length < 24))
      problems.push(
        "ADMIN_API_TOKEN must be your own random value of at least 24 characters in production (openssl rand -hex 24).",
      );
    if (r.APP_API_TOKEN && (r.APP_API_TOKEN === DEMO_DEFAULTS.APP_API_TOKEN || r.APP_API_TOKEN.length < 24))
      problems.push(
        "APP_API_TOKEN must be your own random value of at least 24 characters in production (openssl rand -hex 24).",
      );
    if (r.APP_API_TOKEN && r.ADMIN_API_TOKEN && r.APP_API_TOKEN === r.ADMIN_API_TOKEN)
      problems.push(
        "APP_API_TOKEN must differ from ADMIN_API_TOKEN: the app's token reads one customer, nothing else.",
      );
    for (const key of ["ZENDESK_WEBHOOK_SECRET", "INTERCOM_WEBHOOK_SECRET", "INTERCOM_ACCESS_TOKEN"] as const)
      if (r[key] && r[key] === DEMO_DEFAULTS[key])
        problems.push(
          `${key} is the demo value: use the one from your ${key.startsWith("ZENDESK") ? "Zendesk" : "Intercom"} account.`,
        );
    if (r.INNGEST_DEV)
      problems.push(
        "INNGEST_DEV is set but NODE_ENV=production: /api/inngest would run unsigned calls from anyone. Unset INNGEST_DEV and set INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY (or use JOBS_DRIVER=inline).",
      );
    if (r.STRIPE_SECRET_KEY && /^(sk|rk)_test_/.test(r.STRIPE_SECRET_KEY))
      problems.push(
        "STRIPE_SECRET_KEY is a test-mode key (sk_test_) but NODE_ENV=production: use the live key, or set DEMO_MODE=1 for a sandboxed demo.",
      );
  } else if (r.STRIPE_SECRET_KEY && /^(sk|rk)_live_/.test(r.STRIPE_SECRET_KEY) && r.NODE_ENV !== "production") {
    problems.push(
      "STRIPE_SECRET_KEY is a live key (sk_live_) outside production: use a test-mode key for development and demos.",
    );
  }
  if (r.ADMIN_PASSWORD && Buffer.byteLength(r.ADMIN_PASSWORD, "utf8") > 72)
    problems.push(
      "ADMIN_PASSWORD is longer than 72 bytes: bcrypt ignores the rest and sign-in refuses such passwords. Use at most 72 bytes (72 ASCII characters).",
    );
  const hasInngestKeys = Boolean(r.INNGEST_EVENT_KEY && r.INNGEST_SIGNING_KEY);
  if (r.JOBS_DRIVER === "inngest" && !hasInngestKeys && !r.INNGEST_DEV)
    problems.push(
      "JOBS_DRIVER=inngest needs INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY (or INNGEST_DEV=1 with an Inngest dev server).",
    );
  if (r.INNGEST_EVENT_KEY && !r.INNGEST_SIGNING_KEY && !r.INNGEST_DEV)
    problems.push(
      "INNGEST_EVENT_KEY is set without INNGEST_SIGNING_KEY: set both (from the Inngest dashboard) or neither.",
    );
  return problems;
}
