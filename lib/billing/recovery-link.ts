// Where a customer fixes a failed payment. With BILLING_PORTAL_RETURN_URL set: a link of ours,
// `<APP_URL or origin>/api/billing/recover/<token>`, that opens a fresh Stripe billing-portal session when it is
// clicked (portal sessions expire within minutes, so they cannot be handed out ahead of time). The token is
// our customer id and an expiry, HMAC-signed with a key derived from AUTH_SECRET. Without the portal: the
// failed invoice's hosted page, as Stripe gives it.
import { createHmac, timingSafeEqual } from "node:crypto";
import type Stripe from "stripe";
import type { Db } from "@/db";
import { customerByAppUserId, identityOf } from "@/db/queries/identities";
import { env } from "@/lib/env";

export const RECOVERY_LINK_DAYS = 30;
const DAY_S = 86_400;
export const RECOVERY_PATH = "/api/billing/recover/";

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString("base64url");

/** A key of its own (not AUTH_SECRET itself, which also signs the console's sessions). */
function key(): Buffer {
  if (!env.AUTH_SECRET) throw new Error("AUTH_SECRET is not set: recovery links cannot be signed.");
  return createHmac("sha256", env.AUTH_SECRET).update("recovery-link/v1").digest();
}

const mac = (payload: string) => createHmac("sha256", key()).update(payload).digest();

/**
 * A token for `customerId`. The expiry is rounded to the day (30 to 31 days ahead), so the link the app reads
 * stays the same all day rather than changing on every read.
 */
export function signRecoveryToken(customerId: string, now = Date.now()): string {
  const expires = (Math.floor(now / 1000 / DAY_S) + RECOVERY_LINK_DAYS + 1) * DAY_S;
  const payload = b64(`${customerId}.${expires}`);
  return `${payload}.${b64(mac(payload))}`;
}

export type TokenCheck =
  | { ok: true; customerId: string; expiresAt: Date }
  | { ok: false; reason: "invalid" | "expired" };

/** Checks the signature (in constant time), then the expiry. */
export function verifyRecoveryToken(token: string, now = Date.now()): TokenCheck {
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined || token.length > 300) return { ok: false, reason: "invalid" };
  const given = Buffer.from(signature, "base64url");
  const expected = mac(payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
  const [customerId, expires] = Buffer.from(payload, "base64url").toString().split(".");
  const expiresAt = Number(expires);
  if (!customerId || !Number.isInteger(expiresAt)) return { ok: false, reason: "invalid" };
  if (expiresAt * 1000 <= now) return { ok: false, reason: "expired" };
  return { ok: true, customerId, expiresAt: new Date(expiresAt * 1000) };
}

/** Our public origin: APP_URL when set, else the origin the request came in on. */
export function publicOrigin(requestOrigin?: string): string {
  return new URL(env.APP_URL ?? requestOrigin ?? "http://localhost:3000").origin;
}

export const portalConfigured = () => Boolean(env.BILLING_PORTAL_RETURN_URL);

export function recoveryLink(customerId: string, requestOrigin?: string): string {
  return `${publicOrigin(requestOrigin)}${RECOVERY_PATH}${signRecoveryToken(customerId)}`;
}

/** What to send the customer to: our portal link when the portal is configured, else the hosted invoice. */
export function recoveryUrlFor(
  customerId: string,
  hostedInvoiceUrl: string | null,
  requestOrigin?: string,
): { url: string; kind: "portal" | "hosted_invoice" } | null {
  if (portalConfigured()) return { url: recoveryLink(customerId, requestOrigin), kind: "portal" };
  return hostedInvoiceUrl ? { url: hostedInvoiceUrl, kind: "hosted_invoice" } : null;
}

/** For the app read API: `billing.recoveryUrl` of a user with an open payment problem. */
export async function appRecoveryUrl(
  db: Db,
  appUserId: string,
  hostedInvoiceUrl: string | null,
  requestOrigin?: string,
): Promise<string | null> {
  if (!portalConfigured()) return hostedInvoiceUrl;
  const customer = await customerByAppUserId(db, appUserId);
  return customer ? recoveryLink(customer.id, requestOrigin) : hostedInvoiceUrl;
}

/** At click time: a billing-portal session for the customer's Stripe customer, or why there is none. */
export async function openBillingPortal(
  db: Db,
  stripe: Stripe,
  customerId: string,
): Promise<{ ok: true; url: string } | { ok: false; reason: "no_stripe_customer" | "not_configured" }> {
  const returnUrl = env.BILLING_PORTAL_RETURN_URL;
  if (!returnUrl) return { ok: false, reason: "not_configured" };
  const stripeCustomer = await identityOf(db, customerId, "stripe");
  if (!stripeCustomer) return { ok: false, reason: "no_stripe_customer" };
  const session = await stripe.billingPortal.sessions.create({ customer: stripeCustomer, return_url: returnUrl });
  return { ok: true, url: session.url };
}
