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

/** In the demo (INTERCOM_BASE_URL: the sandbox) the sandbox's own view of the contact; else Intercom's, where
 *  `_` stands for the workspace the founder is signed in to. */
export function intercomContactUrl(id: string): string {
  return env.INTERCOM_BASE_URL
    ? `${env.INTERCOM_BASE_URL}/contacts/${enc(id)}`
    : `https://app.intercom.com/a/apps/_/users/${enc(id)}/all-conversations`;
}

export function intercomConversationUrl(id: string): string {
  return env.INTERCOM_BASE_URL
    ? `${env.INTERCOM_BASE_URL}/conversations/${enc(id)}`
    : `https://app.intercom.com/a/inbox/_/inbox/conversation/${enc(id)}`;
}

export function externalUrl(
  system: "app" | "stripe" | "hubspot" | "zendesk" | "intercom",
  id: string,
): string | undefined {
  if (system === "stripe") return stripeCustomerUrl(id);
  if (system === "hubspot") return hubspotContactUrl(id);
  if (system === "zendesk") return zendeskUserUrl(id);
  if (system === "intercom") return intercomContactUrl(id);
  return undefined;
}
