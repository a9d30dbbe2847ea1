// Links from the console into each tool, built on the server from the configuration.
import "server-only";
import { env } from "@/lib/env";

const enc = encodeURIComponent;

/** Stripe's dashboard keeps test-mode objects under /test. */
export function stripeCustomerUrl(id: string): string {
  const test = /^(sk|rk)_test_/.test(env.STRIPE_SECRET_KEY);
  return `https://dashboard.stripe.com${test ? "/test" : ""}/customers/${enc(id)}`;
}

/** Only with HUBSPOT_PORTAL_ID: a HubSpot record URL needs the account id, which the token does not reveal. */
export function hubspotContactUrl(id: string): string | undefined {
  return env.HUBSPOT_PORTAL_ID
    ? `https://app.hubspot.com/contacts/${env.HUBSPOT_PORTAL_ID}/record/0-1/${enc(id)}`
    : undefined;
}

export function zendeskUserUrl(id: string): string {
  return `https://${env.ZENDESK_SUBDOMAIN}.zendesk.com/agent/users/${enc(id)}`;
}

export function zendeskTicketUrl(id: number | string): string {
  return `https://${env.ZENDESK_SUBDOMAIN}.zendesk.com/agent/tickets/${enc(String(id))}`;
}

export function externalUrl(
  system: "app" | "stripe" | "hubspot" | "zendesk" | "intercom",
  id: string,
): string | undefined {
  if (system === "stripe") return stripeCustomerUrl(id);
  if (system === "hubspot") return hubspotContactUrl(id);
  if (system === "zendesk") return zendeskUserUrl(id);
  return undefined;
}
