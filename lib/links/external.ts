// Links from the console to a record in Stripe, HubSpot, Zendesk or Intercom, built on the server from the
// configuration. Where a service's base URL is set (the demo's sandboxes, a test server), the link goes to
// that server's own record, never to the real service: the demo's default Zendesk subdomain is "demo", and
// https://demo.zendesk.com belongs to someone else.
import "server-only";
import { env } from "@/lib/env";
import type { EventStep } from "@/db/schema";
import { STEP } from "@/lib/pipeline/engine/step-names";

const enc = encodeURIComponent;

export type ExternalSystem = "stripe" | "hubspot" | "zendesk" | "intercom";
export type ExternalLink = { system: ExternalSystem; what: string; id: string; url?: string };

export type StripeObject = "customer" | "subscription" | "invoice" | "payment_intent" | "charge" | "checkout_session";

/** Dashboard path and API path (the sandbox serves the API's JSON) of each kind of Stripe object. */
const STRIPE_PATHS: Record<StripeObject, { dashboard: string; api: string; what: string }> = {
  customer: { dashboard: "customers", api: "customers", what: "Customer" },
  subscription: { dashboard: "subscriptions", api: "subscriptions", what: "Subscription" },
  invoice: { dashboard: "invoices", api: "invoices", what: "Invoice" },
  payment_intent: { dashboard: "payments", api: "payment_intents", what: "Payment" },
  charge: { dashboard: "payments", api: "charges", what: "Charge" },
  checkout_session: { dashboard: "checkout/sessions", api: "checkout/sessions", what: "Checkout session" },
};

/** Stripe's dashboard keeps test-mode objects under /test. */
export function stripeUrl(kind: StripeObject, id: string): string {
  const path = STRIPE_PATHS[kind];
  if (env.STRIPE_API_BASE) return `${env.STRIPE_API_BASE}/v1/${path.api}/${enc(id)}`;
  const test = /^(sk|rk)_test_/.test(env.STRIPE_SECRET_KEY);
  return `https://dashboard.stripe.com${test ? "/test" : ""}/${path.dashboard}/${enc(id)}`;
}

export function stripeCustomerUrl(id: string): string {
  return stripeUrl("customer", id);
}

/** HubSpot's record URL needs the account id (HUBSPOT_PORTAL_ID), which the token does not reveal: none without it. */
export function hubspotContactUrl(id: string): string | undefined {
  if (env.HUBSPOT_BASE_URL) return `${env.HUBSPOT_BASE_URL}/crm/v3/objects/contacts/${enc(id)}`;
  return env.HUBSPOT_PORTAL_ID
    ? `https://app.hubspot.com/contacts/${env.HUBSPOT_PORTAL_ID}/record/0-1/${enc(id)}`
    : undefined;
}

/** The real Zendesk only for a subdomain the founder set; the demo's placeholder gets no link. */
function zendeskAgentUrl(path: string): string | undefined {
  if (!env.ZENDESK_SUBDOMAIN || env.ZENDESK_SUBDOMAIN === "demo") return undefined;
  return `https://${env.ZENDESK_SUBDOMAIN}.zendesk.com/agent/${path}`;
}

export function zendeskUserUrl(id: string): string | undefined {
  if (env.ZENDESK_BASE_URL) return `${env.ZENDESK_BASE_URL}/api/v2/users/${enc(id)}.json`;
  return zendeskAgentUrl(`users/${enc(id)}`);
}

export function zendeskTicketUrl(id: number | string): string | undefined {
  if (env.ZENDESK_BASE_URL) return `${env.ZENDESK_BASE_URL}/api/v2/tickets/${enc(String(id))}.json`;
  return zendeskAgentUrl(`tickets/${enc(String(id))}`);
}

/** In the demo the sandbox's own readable view; else Intercom's, where `_` is the workspace signed in to. */
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

/** The customer page's identities: the record of an external id in its system. */
export function externalUrl(system: "app" | ExternalSystem, id: string): string | undefined {
  if (system === "stripe") return stripeCustomerUrl(id);
  if (system === "hubspot") return hubspotContactUrl(id);
  if (system === "zendesk") return zendeskUserUrl(id);
  if (system === "intercom") return intercomContactUrl(id);
  return undefined;
}

const STRIPE_ID_PREFIX: [RegExp, StripeObject][] = [
  [/^cus_/, "customer"],
  [/^sub_/, "subscription"],
  [/^in_/, "invoice"],
  [/^pi_/, "payment_intent"],
  [/^(ch|py)_/, "charge"],
  [/^cs_/, "checkout_session"],
];

/** The kind of a Stripe id from its prefix (cus_, sub_, in_, pi_, ch_, cs_), or null. */
export function stripeObjectOf(id: string): StripeObject | null {
  return STRIPE_ID_PREFIX.find(([prefix]) => prefix.test(id))?.[1] ?? null;
}

type Steps = Pick<EventStep, "step" | "status" | "externalRef" | "output">[];

/**
 * The records an event touched: the Stripe objects its payload names (the object itself, its customer,
 * subscription, invoice, payment), the HubSpot contact and the support ticket or conversation its steps made.
 */
export function eventRecordLinks(source: string, payload: unknown, steps: Steps): ExternalLink[] {
  const links: ExternalLink[] = [];
  const seen = new Set<string>();
  const add = (link: ExternalLink) => {
    const key = `${link.system}:${link.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    links.push(link);
  };
  if (source === "stripe") {
    const object = (payload as { data?: { object?: Record<string, unknown> } } | null)?.data?.object ?? {};
    for (const value of [object.id, object.customer, object.subscription, object.invoice, object.payment_intent]) {
      const id = typeof value === "string" ? value : (value as { id?: unknown } | null)?.id;
      const kind = typeof id === "string" ? stripeObjectOf(id) : null;
      if (kind && typeof id === "string")
        add({ system: "stripe", what: STRIPE_PATHS[kind].what, id, url: stripeUrl(kind, id) });
    }
  }
  for (const step of steps) {
    if (!step.externalRef || step.status !== "succeeded") continue;
    if (step.step === STEP.syncCrm)
      add({ system: "hubspot", what: "Contact", id: step.externalRef, url: hubspotContactUrl(step.externalRef) });
    if (step.step === STEP.createTicket) {
      const output = (step.output ?? {}) as { conversationId?: unknown };
      add(
        output.conversationId
          ? {
              system: "intercom",
              what: "Conversation",
              id: step.externalRef,
              url: intercomConversationUrl(step.externalRef),
            }
          : { system: "zendesk", what: "Ticket", id: step.externalRef, url: zendeskTicketUrl(step.externalRef) },
      );
    }
  }
  return links;
}
