// A complete, valid production configuration (made-up values) for the tests of configuration checks.
import type { EnvSource } from "@/lib/env";

export const PRODUCTION_ENV: EnvSource = {
  NODE_ENV: "production",
  AUTH_SECRET: "x".repeat(40),
  ADMIN_EMAIL: "owner@example.com",
  ADMIN_PASSWORD: "a-long-production-password",
  ADMIN_API_TOKEN: "t".repeat(32),
  APP_API_TOKEN: "a".repeat(32),
  STRIPE_SECRET_KEY: "sk_live_abc123",
  STRIPE_WEBHOOK_SECRET: "whsec_live_secret",
  HUBSPOT_ACCESS_TOKEN: "pat-na1-token",
  ZENDESK_SUBDOMAIN: "acme",
  ZENDESK_EMAIL: "agent@example.com",
  ZENDESK_API_TOKEN: "zd-token",
  APP_WEBHOOK_SECRET: "s".repeat(32),
  ZENDESK_WEBHOOK_SECRET: "z".repeat(32),
  INTERCOM_ACCESS_TOKEN: "ic-token",
  INTERCOM_WEBHOOK_SECRET: "i".repeat(32),
};
