// What each environment variable may be: the zod schema that lib/env.ts validates process.env with. Each
// message names its variable and what to set, since it is what the operator reads at start-up.
import { z } from "zod";
import { parseRateLimit } from "./integrations/budget/rate-limit";

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
export const envSchema = z.object({
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

/** The variables as the schema reads them, before the production rules and the derived settings. */
export type RawEnv = z.infer<typeof envSchema>;
