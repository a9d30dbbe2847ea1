// The suite's configuration: distinctive secrets (never the demo values, so the bundle scan means
// something), sizes for the full and --quick runs, and the build folder it owns.

/** Fixed (not random) so a cached build in DIST_DIR was made with the same values it is scanned for. */
export const SECRETS = {
  AUTH_SECRET: "rel-auth-Qm7Vx2Lk9Pz4Tw8Nc3Hf6Rb1Yd5Gs0Ju",
  ADMIN_EMAIL: "owner@reliability.test",
  ADMIN_PASSWORD: "rel-admin-pw-Kd83jQz7Lm2x",
  ADMIN_API_TOKEN: "rel-api-token-Wz5Xc8Vb2Nm7Qa4Sd9Fg1Hj6",
  STRIPE_SECRET_KEY: "sk_test_relStripeKey4Hq8Zt2Mv6Pw9",
  STRIPE_WEBHOOK_SECRET: "whsec_relStripeHook7Bn3Xk5Lq8Rt2",
  HUBSPOT_ACCESS_TOKEN: "pat-rel-hubspot-Tg6Yh3Uj8Ik1Ol4",
  ZENDESK_SUBDOMAIN: "reliability",
  ZENDESK_EMAIL: "agent@reliability.test",
  ZENDESK_API_TOKEN: "rel-zendesk-token-Pa2Sd5Fg8Hj1Kl4",
  APP_WEBHOOK_SECRET: "rel-app-webhook-Zx9Cv6Bn3Mq1We7Rt",
} as const;

/** The values that must never reach the browser. */
export const SECRET_NAMES = [
  "AUTH_SECRET",
  "ADMIN_PASSWORD",
  "ADMIN_API_TOKEN",
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "HUBSPOT_ACCESS_TOKEN",
  "ZENDESK_API_TOKEN",
  "APP_WEBHOOK_SECRET",
] as const;

/** Its own build folder by default; CI points it at the `.next` that `npm test` just built (NEXT_DIST_DIR=.next). */
export const DIST_DIR = process.env.NEXT_DIST_DIR || ".next-reliability";

export type Sizes = {
  crashEvents: number;
  /** Kill the server once this many events have been answered. */
  crashKillAfter: number;
  duplicateEvents: number;
  duplicateCopies: number;
  faultSignups: number;
  faultSupport: number;
  faultCheckouts: number;
  rateLimitFlood: number;
  /** Two instances: customers, profile updates per customer, Stripe checkouts, failed events bulk-replayed. */
  twoUsers: number;
  twoUpdates: number;
  twoCheckouts: number;
  twoReplay: number;
};

export const FULL: Sizes = {
  crashEvents: 2000,
  crashKillAfter: 900,
  duplicateEvents: 100,
  duplicateCopies: 10,
  faultSignups: 100,
  faultSupport: 40,
  faultCheckouts: 30,
  rateLimitFlood: 120,
  twoUsers: 300,
  twoUpdates: 3,
  twoCheckouts: 40,
  twoReplay: 200,
};

export const QUICK: Sizes = {
  crashEvents: 300,
  crashKillAfter: 120,
  duplicateEvents: 40,
  duplicateCopies: 10,
  faultSignups: 30,
  faultSupport: 12,
  faultCheckouts: 10,
  rateLimitFlood: 80,
  twoUsers: 60,
  twoUpdates: 2,
  twoCheckouts: 10,
  twoReplay: 30,
};

/** The processing lease the suite runs with (JOBS_STALE_AFTER_SECONDS): short, so crash recovery is measurable. */
export const LEASE_SECONDS = 10;

/** The webhook limit of the rate-limit scenario's own server (the main server's is effectively unlimited). */
export const RATE_LIMIT_PER_MINUTE = 50;
