// The only reader of process.env: validates every setting once and explains what to fix.
import { z } from "zod";
import { parseRateLimit } from "./integrations/budget/rate-limit";

/** Values used when a variable is unset outside production (or with DEMO_MODE=1). */
export const DEMO_DEFAULTS = {
  AUTH_SECRET: "demo-auth-secret-change-me-0123456789abcdef",
  ADMIN_EMAIL: "founder@demo.test",
  ADMIN_PASSWORD: "demo-password",
  ADMIN_API_TOKEN: "demo-admin-api-token-0123456789",
  APP_API_TOKEN: "demo-app-api-token-0123456789",
  STRIPE_SECRET_KEY: "sk_test_demo_sandbox",
  STRIPE_WEBHOOK_SECRET: "whsec_demo_sandbox_secret",
  HUBSPOT_ACCESS_TOKEN: "pat-demo-sandbox",
  ZENDESK_SUBDOMAIN: "demo",
  ZENDESK_EMAIL: "support@demo.test",
  ZENDESK_API_TOKEN: "zendesk-demo-token",
  APP_WEBHOOK_SECRET: "appsec_demo_sandbox_secret_0123",
  ZENDESK_WEBHOOK_SECRET: "zdsec_demo_sandbox_secret_0123",
  INTERCOM_ACCESS_TOKEN: "intercom-demo-token",
  INTERCOM_WEBHOOK_SECRET: "icsec_demo_sandbox_secret_0123",
} as const;

/** Where the local sandboxes listen when the demo credentials are in use and no base URL is set. */
export const SANDBOX_PORTS = { stripe: 12111, hubspot: 12112, zendesk: 12113, intercom: 12114, app: 12115 } as const;

export type EnvSource = Record<string, string | undefined>;

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "EnvError";
  }
}

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const origin = (name: string) =>
  opt(
    z.string().refine(
      (v) => {
        try {
          const u = new URL(v);
          return (
            (u.protocol === "http:" || u.protocol === "https:") &&
            (u.pathname === "/" || u.pathname === "") &&
            !u.search
          );
        } catch {
          return false;
        }
      },
      { message: `${name} must be an origin such as http://127.0.0.1:12111 (scheme, host and port; no path)` },
    ),
  ).transform((v) => (v ? v.replace(/\/+$/, "") : v));

/** An optional number with a default, e.g. ALERT_BACKLOG_MINUTES=5. */
const num = (name: string, fallback: number, o: { min?: number; max?: number; int?: boolean } = {}) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: `${name} must be a number` })
      .refine(
        (n) =>
          Number.isFinite(n) &&
          (!o.int || Number.isInteger(n)) &&
          (o.min === undefined || n >= o.min) &&
          (o.max === undefined || n <= o.max),
        {
          message: `${name} must be ${o.int ? "a whole number" : "a number"}${o.min !== undefined ? ` ≥ ${o.min}` : ""}${o.max !== undefined ? ` and ≤ ${o.max}` : ""}`,
        },
      )
      .default(fallback),
  );

/** A provider rate limit such as 100/10s (calls per rolling window), with its default. */
const rateLimit = (name: string, fallback: string, example: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .default(fallback)
      .transform((v, ctx) => {
        const limit = parseRateLimit(v);
        if (!limit)
          ctx.addIssue({
            code: "custom",
            message: `${name} must be calls per window such as ${example} (a whole number of calls, then / and a window in ms, s, m or h); got "${v}"`,
          });
        return limit ?? { max: 1, windowMs: 1000 };
      }),
  );

const raw = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DEMO_MODE: opt(z.enum(["0", "1", "true", "false"])).transform((v) => v === "1" || v === "true"),
  DATABASE_URL: opt(
    z.string().regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://"),
  ),
  DATA_DIR: opt(z.string()),
  AUTH_SECRET: opt(z.string()),
  ADMIN_EMAIL: opt(z.email("ADMIN_EMAIL must be an email address")),
  ADMIN_PASSWORD: opt(z.string()),
  ADMIN_API_TOKEN: opt(z.string()),
  APP_API_TOKEN: opt(z.string()),
  STRIPE_SECRET_KEY: opt(
    z
      .string()
      .regex(/^(sk|rk)_(test|live)_/, "STRIPE_SECRET_KEY must start with sk_test_, sk_live_, rk_test_ or rk_live_"),
  ),
  STRIPE_WEBHOOK_SECRET: opt(
    z
      .string()
      .startsWith("whsec_", "STRIPE_WEBHOOK_SECRET must start with whsec_ (copy it from the Stripe webhook endpoint)"),
  ),
  STRIPE_API_BASE: origin("STRIPE_API_BASE"),
  HUBSPOT_ACCESS_TOKEN: opt(z.string()),
  HUBSPOT_BASE_URL: origin("HUBSPOT_BASE_URL"),
  HUBSPOT_PORTAL_ID: opt(
    z
      .string()
      .trim()
      .regex(
        /^\d+$/,
        "HUBSPOT_PORTAL_ID must be the numeric HubSpot account id (Settings → Account details, e.g. 12345678); leave it unset to show contact ids without links",
      ),
  ),
  ZENDESK_SUBDOMAIN: opt(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/i, "ZENDESK_SUBDOMAIN must be the subdomain only (acme for acme.zendesk.com)"),
  ),
  ZENDESK_EMAIL: opt(z.email("ZENDESK_EMAIL must be the email address of the Zendesk agent that owns the API token")),
  ZENDESK_API_TOKEN: opt(z.string()),
  ZENDESK_BASE_URL: origin("ZENDESK_BASE_URL"),
  APP_WEBHOOK_SECRET: opt(z.string().min(16, "APP_WEBHOOK_SECRET must be at least 16 characters")),
  APP_CALLBACK_URL: opt(
    z.url(
      "APP_CALLBACK_URL must be the URL of your app backend's callback endpoint, e.g. https://api.example.com/ops-callback",
    ),
  ),
  ZENDESK_WEBHOOK_SECRET: opt(
    z
      .string()
      .min(
        16,
        "ZENDESK_WEBHOOK_SECRET must be the webhook's signing secret (Zendesk Admin Center → Webhooks → Signing secret)",
      ),
  ),
  SUPPORT_PROVIDER: opt(z.enum(["zendesk", "intercom"], "SUPPORT_PROVIDER must be zendesk or intercom")),
  INTERCOM_ACCESS_TOKEN: opt(z.string()),
  INTERCOM_BASE_URL: origin("INTERCOM_BASE_URL"),
  INTERCOM_WEBHOOK_SECRET: opt(
    z
      .string()
      .min(16, "INTERCOM_WEBHOOK_SECRET must be your Intercom app's client secret (Developer Hub → Basic information)"),
  ),
  BILLING_PORTAL_RETURN_URL: opt(
    z.url(
      "BILLING_PORTAL_RETURN_URL must be the URL customers return to from Stripe's billing portal, e.g. https://example.com/account",
    ),
  ),
  ALERT_WEBHOOK_URL: opt(z.url("ALERT_WEBHOOK_URL must be a URL (a Slack-compatible incoming webhook)")),
  JOBS_DRIVER: opt(z.enum(["inline", "inngest"], "JOBS_DRIVER must be inline or inngest")),
  INNGEST_EVENT_KEY: opt(z.string()),
  INNGEST_SIGNING_KEY: opt(z.string()),
  INNGEST_DEV: opt(z.string()),
  APP_URL: opt(z.url("APP_URL must be the public URL of the console, e.g. https://ops.example.com")),
  EMAIL_DOMAIN: opt(
    z
      .string()
      .trim()
      .toLowerCase()
      .regex(
        /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
        "EMAIL_DOMAIN must be the domain your customer email is sent from, e.g. example.com (no @, no scheme)",
      ),
  ),
  DKIM_SELECTOR: opt(
    z
      .string()
      .trim()
      .regex(
        /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/i,
        "DKIM_SELECTOR must be the selector of your DKIM record (the part before ._domainkey), e.g. zendesk1 or google",
      ),
  ),
  ALERT_FAILURE_RATE_PERCENT: num("ALERT_FAILURE_RATE_PERCENT", 1, { min: 0, max: 100 }),
  ALERT_FAILED_WEBHOOKS: num("ALERT_FAILED_WEBHOOKS", 3, { min: 1, int: true }),
  ALERT_FAILED_WEBHOOKS_MINUTES: num("ALERT_FAILED_WEBHOOKS_MINUTES", 10, { min: 1, int: true }),
  ALERT_PAYMENT_DELAY_P95_SECONDS: num("ALERT_PAYMENT_DELAY_P95_SECONDS", 30, { min: 1 }),
  ALERT_SUPPORT_FAILURES_PER_HOUR: num("ALERT_SUPPORT_FAILURES_PER_HOUR", 3, { min: 0, int: true }),
  ALERT_BACKLOG_MINUTES: num("ALERT_BACKLOG_MINUTES", 5, { min: 1 }),
  ALERT_DIGEST_HOUR_UTC: num("ALERT_DIGEST_HOUR_UTC", 8, { min: 0, max: 23, int: true }),
  PAYLOAD_RETENTION_DAYS: num("PAYLOAD_RETENTION_DAYS", 30, { min: 1, int: true }),
  WEBHOOK_RATE_LIMIT_PER_MINUTE: num("WEBHOOK_RATE_LIMIT_PER_MINUTE", 6000, { min: 1, int: true }),
  /** HubSpot calls per rolling window for this account's plan (Starter 100/10s, Pro and Enterprise 190/10s). */
  HUBSPOT_RATE_LIMIT: rateLimit("HUBSPOT_RATE_LIMIT", "100/10s", "100/10s (Starter) or 190/10s (Pro)"),
  /** Zendesk Support calls per minute for the plan (200 to 700 a minute). */
  ZENDESK_RATE_LIMIT: rateLimit("ZENDESK_RATE_LIMIT", "200/60s", "200/60s (Team) or 700/60s (Enterprise)"),
  /** How many reverse proxies in front of the server append to X-Forwarded-For (0: the socket peer is the client). */
  TRUSTED_PROXY_HOPS: num("TRUSTED_PROXY_HOPS", 0, { min: 0, max: 10, int: true }),
  /** Inline driver: the processing lease. The process running an event renews it every third of this (a
   *  heartbeat), so a slow step keeps it; an event with no heartbeat for this long was orphaned by a crash and
   *  is re-driven by the sweeper. The embedded database resumes orphaned events at start-up without waiting. */
  JOBS_CONCURRENCY: num("JOBS_CONCURRENCY", 64, { min: 1, max: 1000, int: true }),
  JOBS_STALE_AFTER_SECONDS: num("JOBS_STALE_AFTER_SECONDS", 20, { min: 1, int: true }),
  /** How often (minutes) Stripe's events API is read for deliveries that never reached us; 0 turns it off. */
  STRIPE_BACKFILL_MINUTES: num("STRIPE_BACKFILL_MINUTES", 10, { min: 0, max: 1440, int: true }),
  RECONCILE_MINUTES: num("RECONCILE_MINUTES", 60, { min: 0, max: 10080, int: true }),
  /** Ops alert when no Stripe webhook arrived for this many hours though some did before; 0 turns it off. */
  STRIPE_SILENCE_HOURS: num("STRIPE_SILENCE_HOURS", 24, { min: 0, max: 720 }),
  /** Traces go to this OpenTelemetry collector over OTLP/HTTP when set (e.g. http://localhost:4318); off otherwise. */
  OTEL_EXPORTER_OTLP_ENDPOINT: opt(
    z.url({
      protocol: /^https?$/,
      message:
        "OTEL_EXPORTER_OTLP_ENDPOINT must be the collector's OTLP/HTTP base URL, e.g. http://localhost:4318 (spans are posted to <it>/v1/traces)",
    }),
  ),
  OTEL_SERVICE_NAME: opt(z.string().trim().min(1)),
  /** The build's version for /api/health and traces, e.g. 1.4.0+3f2a9c1; default package.json's version. */
  APP_VERSION: opt(z.string().trim().max(100, "APP_VERSION must be at most 100 characters")),
  /** An erasure cancels the person's Stripe subscriptions at once (and deletes the customer) or at period end. */
  ERASURE_STRIPE_CANCEL: opt(
    z.enum(
      ["now", "period_end"],
      "ERASURE_STRIPE_CANCEL must be now (cancel at once and delete the Stripe customer) or period_end (let the paid period run out, anonymise the customer)",
    ),
  ),
  /** A step whose p95 duration over the last hour passes this many milliseconds opens an alert (default 500). */
  ALERT_STEP_P95_MS: num("ALERT_STEP_P95_MS", 500, { min: 1, max: 600_000, int: true }),
  /** Whether a customer whose renewal failed (past_due, Stripe retrying) keeps access meanwhile. */
  PAST_DUE_ACCESS: opt(
    z.enum(
      ["keep", "pause"],
      "PAST_DUE_ACCESS must be keep (access continues while Stripe retries a failed renewal) or pause (access stops until it is paid)",
    ),
  ),
});

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

function check(r: z.infer<typeof raw>): string[] {
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

function build(r: z.infer<typeof raw>) {
  const demo = r.NODE_ENV !== "production" || r.DEMO_MODE;
  const pick = <K extends keyof typeof DEMO_DEFAULTS>(key: K): string => r[key] ?? (demo ? DEMO_DEFAULTS[key] : "");
  const sandbox = (key: keyof typeof DEMO_DEFAULTS, port: number, given: string | undefined) =>
    given ?? (demo && pick(key) === DEMO_DEFAULTS[key] ? `http://127.0.0.1:${port}` : undefined);
  const jobsDriver = r.JOBS_DRIVER ?? (r.INNGEST_EVENT_KEY || r.INNGEST_DEV ? "inngest" : "inline");
  return {
    NODE_ENV: r.NODE_ENV,
    DEMO_MODE: r.DEMO_MODE,
    isProduction: r.NODE_ENV === "production" && !r.DEMO_MODE,
    DATABASE_URL: r.DATABASE_URL,
    DATA_DIR: r.DATA_DIR ?? ".data",
    AUTH_SECRET: pick("AUTH_SECRET"),
    ADMIN_EMAIL: pick("ADMIN_EMAIL").toLowerCase(),
    ADMIN_PASSWORD: pick("ADMIN_PASSWORD"),
    ADMIN_API_TOKEN: pick("ADMIN_API_TOKEN"),
    /** The app backend's read-only token for GET /api/app/customers/:appUserId ("" when unset: refused). */
    APP_API_TOKEN: pick("APP_API_TOKEN"),
    STRIPE_SECRET_KEY: pick("STRIPE_SECRET_KEY"),
    STRIPE_WEBHOOK_SECRET: pick("STRIPE_WEBHOOK_SECRET"),
    STRIPE_API_BASE: sandbox("STRIPE_SECRET_KEY", SANDBOX_PORTS.stripe, r.STRIPE_API_BASE),
    HUBSPOT_ACCESS_TOKEN: pick("HUBSPOT_ACCESS_TOKEN"),
    HUBSPOT_BASE_URL: sandbox("HUBSPOT_ACCESS_TOKEN", SANDBOX_PORTS.hubspot, r.HUBSPOT_BASE_URL),
    HUBSPOT_PORTAL_ID: r.HUBSPOT_PORTAL_ID,
    ZENDESK_SUBDOMAIN: pick("ZENDESK_SUBDOMAIN"),
    ZENDESK_EMAIL: pick("ZENDESK_EMAIL"),
    ZENDESK_API_TOKEN: pick("ZENDESK_API_TOKEN"),
    ZENDESK_BASE_URL: sandbox("ZENDESK_API_TOKEN", SANDBOX_PORTS.zendesk, r.ZENDESK_BASE_URL),
    APP_WEBHOOK_SECRET: pick("APP_WEBHOOK_SECRET"),
    /** Where entitlement.changed / support.updated callbacks go (unset: the notify-app step is skipped). */
    APP_CALLBACK_URL: r.APP_CALLBACK_URL,
    /** Verifies Zendesk's webhooks (X-Zendesk-Webhook-Signature); "" when unset: refused. */
    ZENDESK_WEBHOOK_SECRET: pick("ZENDESK_WEBHOOK_SECRET"),
    /** The support tool that receives support requests (default zendesk). */
    SUPPORT_PROVIDER: (r.SUPPORT_PROVIDER ?? "zendesk") as "zendesk" | "intercom",
    INTERCOM_ACCESS_TOKEN: pick("INTERCOM_ACCESS_TOKEN"),
    INTERCOM_BASE_URL: sandbox("INTERCOM_ACCESS_TOKEN", SANDBOX_PORTS.intercom, r.INTERCOM_BASE_URL),
    /** Verifies Intercom's webhooks (X-Hub-Signature, HMAC-SHA1 with the app's client secret). */
    INTERCOM_WEBHOOK_SECRET: pick("INTERCOM_WEBHOOK_SECRET"),
    /** When set, recovery links open a Stripe billing-portal session that returns here. */
    BILLING_PORTAL_RETURN_URL: r.BILLING_PORTAL_RETURN_URL,
    ALERT_WEBHOOK_URL: r.ALERT_WEBHOOK_URL,
    JOBS_DRIVER: jobsDriver as "inline" | "inngest",
    INNGEST_EVENT_KEY: r.INNGEST_EVENT_KEY,
    INNGEST_SIGNING_KEY: r.INNGEST_SIGNING_KEY,
    INNGEST_DEV: r.INNGEST_DEV,
    APP_URL: r.APP_URL,
    EMAIL_DOMAIN: r.EMAIL_DOMAIN,
    /** Zendesk signs the support email it sends for your domain with the zendesk1/zendesk2 selectors. */
    DKIM_SELECTOR: r.DKIM_SELECTOR ?? "zendesk1",
    alertThresholds: {
      failureRatePercent: r.ALERT_FAILURE_RATE_PERCENT,
      failedWebhooks: r.ALERT_FAILED_WEBHOOKS,
      failedWebhooksMinutes: r.ALERT_FAILED_WEBHOOKS_MINUTES,
      paymentDelayP95Seconds: r.ALERT_PAYMENT_DELAY_P95_SECONDS,
      supportFailuresPerHour: r.ALERT_SUPPORT_FAILURES_PER_HOUR,
      backlogMinutes: r.ALERT_BACKLOG_MINUTES,
      digestHourUtc: r.ALERT_DIGEST_HOUR_UTC,
      stripeSilenceHours: r.STRIPE_SILENCE_HOURS,
      stepP95Ms: r.ALERT_STEP_P95_MS,
    },
    PAYLOAD_RETENTION_DAYS: r.PAYLOAD_RETENTION_DAYS,
    WEBHOOK_RATE_LIMIT_PER_MINUTE: r.WEBHOOK_RATE_LIMIT_PER_MINUTE,
    HUBSPOT_RATE_LIMIT: r.HUBSPOT_RATE_LIMIT,
    ZENDESK_RATE_LIMIT: r.ZENDESK_RATE_LIMIT,
    TRUSTED_PROXY_HOPS: r.TRUSTED_PROXY_HOPS,
    /** How many events the inline driver runs at once in this process (their HubSpot writes share batches). */
    JOBS_CONCURRENCY: r.JOBS_CONCURRENCY,
    JOBS_STALE_AFTER_SECONDS: r.JOBS_STALE_AFTER_SECONDS,
    STRIPE_BACKFILL_MINUTES: r.STRIPE_BACKFILL_MINUTES,
    RECONCILE_MINUTES: r.RECONCILE_MINUTES,
    STRIPE_SILENCE_HOURS: r.STRIPE_SILENCE_HOURS,
    PAST_DUE_ACCESS: (r.PAST_DUE_ACCESS ?? "keep") as "keep" | "pause",
    ERASURE_STRIPE_CANCEL: (r.ERASURE_STRIPE_CANCEL ?? "now") as "now" | "period_end",
    ALERT_STEP_P95_MS: r.ALERT_STEP_P95_MS,
    OTEL_EXPORTER_OTLP_ENDPOINT: r.OTEL_EXPORTER_OTLP_ENDPOINT,
    OTEL_SERVICE_NAME: r.OTEL_SERVICE_NAME ?? "founder-ops-console",
    APP_VERSION: r.APP_VERSION,
  };
}

export type Env = ReturnType<typeof build>;

/** Validates a set of variables; throws EnvError listing every problem, each naming its variable. */
export function parseEnv(source: EnvSource): Env {
  const result = raw.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((i) => {
        const key = String(i.path[0] ?? "environment");
        return i.message.includes(key) ? i.message : `${key}: ${i.message}`;
      }),
    );
  }
  const problems = check(result.data);
  if (problems.length) throw new EnvError(problems);
  return build(result.data);
}

/** Like parseEnv, but never throws: every problem, and the settings as far as they could be read
 *  (a malformed variable counts as unset). For the readiness checks and `npm run doctor`. */
export function inspectEnv(source: EnvSource): { env: Env; problems: string[] } {
  const problems: string[] = [];
  const malformed = new Set<string>();
  let result = raw.safeParse(source);
  for (let attempt = 0; !result.success && attempt < 3; attempt++) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? "environment");
      if (!malformed.has(key)) problems.push(issue.message.includes(key) ? issue.message : `${key}: ${issue.message}`);
      malformed.add(key);
    }
    result = raw.safeParse({ ...source, ...Object.fromEntries([...malformed].map((k) => [k, undefined])) });
  }
  if (!result.success) throw new EnvError(problems);
  // A malformed value is already named; "X is required" for the same variable would say it twice.
  problems.push(...check(result.data).filter((p) => ![...malformed].some((k) => p.startsWith(`${k} is required`))));
  return { env: build(result.data), problems };
}

/** A copy of this process's environment, for code that inspects the configuration without the cache. */
export function processEnvSource(): EnvSource {
  return { ...process.env };
}

let cached: Env | undefined;

/** The validated configuration of this process, parsed on first use. */
export const env: Env = new Proxy({} as Env, {
  get(_target, key) {
    cached ??= parseEnv(process.env);
    return cached[key as keyof Env];
  },
});

/** Forget the parsed configuration (tests that change process.env). */
export function resetEnvCache() {
  cached = undefined;
}

/** Log switches, read without full validation so that logging never throws. */
export function logSettings(): { level: "debug" | "info" | "warn" | "error" | "silent" } {
  const level = process.env.LOG_LEVEL;
  return { level: level === "debug" || level === "warn" || level === "error" || level === "silent" ? level : "info" };
}
