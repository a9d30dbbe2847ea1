// The settings the app reads, derived from the validated variables: demo credentials and sandbox URLs outside
// production, defaults, and grouped values such as alertThresholds and the providers' rate limits.
import type { RawEnv } from "./env-schema";

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

export function buildSettings(r: RawEnv) {
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

export type Env = ReturnType<typeof buildSettings>;
