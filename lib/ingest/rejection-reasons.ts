// Why a webhook delivery was refused: the stable reason codes recorded in `rejected_deliveries`, sent back in
// the refusal's JSON (`code`), and explained in plain words with what to do (the console, the alert rules).
// No server imports: the console's client components read it too.

export const WEBHOOK_ROUTES = ["stripe", "app", "zendesk", "intercom"] as const;
export type WebhookRoute = (typeof WEBHOOK_ROUTES)[number];

export const REJECTION_REASONS = [
  "rate_limited",
  "too_large",
  "missing_signature",
  "malformed_signature",
  "bad_signature",
  "stale_timestamp",
  "future_timestamp",
  "malformed_body",
  "invalid_event",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** The reasons that mean "the signature check failed": a wrong or rotated secret, or a clock problem. */
export const SIGNATURE_REASONS = [
  "missing_signature",
  "malformed_signature",
  "bad_signature",
  "stale_timestamp",
  "future_timestamp",
] as const satisfies readonly RejectionReason[];

const ROUTE_LABEL: Record<WebhookRoute, string> = {
  stripe: "Stripe",
  app: "App",
  zendesk: "Zendesk",
  intercom: "Intercom",
};

export function routeLabel(route: string): string {
  return ROUTE_LABEL[route as WebhookRoute] ?? route;
}

/** Where the secret of a route is set, for the advice texts. */
function secretHelp(route: string): string {
  if (route === "stripe")
    return "Copy the signing secret from Stripe → Developers → Webhooks (your endpoint → Signing secret) into STRIPE_WEBHOOK_SECRET and restart.";
  if (route === "zendesk")
    return "Copy the signing secret from Zendesk Admin Center → Apps and integrations → Webhooks (your webhook → Signing secret) into ZENDESK_WEBHOOK_SECRET and restart.";
  if (route === "intercom")
    return "Copy the client secret from Intercom Developer Hub → your app → Basic information into INTERCOM_WEBHOOK_SECRET and restart.";
  return "Set the same value in the app backend and in APP_WEBHOOK_SECRET here, then restart.";
}

const REASON_LABEL: Record<RejectionReason, string> = {
  rate_limited: "Too many requests",
  too_large: "Body too large",
  missing_signature: "No signature",
  malformed_signature: "Unreadable signature header",
  bad_signature: "Signature did not match",
  stale_timestamp: "Signed too long ago",
  future_timestamp: "Signed in the future",
  malformed_body: "Body is not JSON",
  invalid_event: "Not a valid event",
};

export function reasonLabel(reason: string): string {
  return REASON_LABEL[reason as RejectionReason] ?? reason;
}

/** What the refusal means and what to do about it, for one route. */
export function reasonAdvice(route: string, reason: string): string {
  const header =
    route === "stripe"
      ? "Stripe-Signature"
      : route === "zendesk"
        ? "X-Zendesk-Webhook-Signature"
        : route === "intercom"
          ? "X-Hub-Signature"
          : "App-Signature";
  const sender = route === "zendesk" ? "Zendesk" : route === "intercom" ? "Intercom" : undefined;
  switch (reason as RejectionReason) {
    case "rate_limited":
      return "One address sent more than WEBHOOK_RATE_LIMIT_PER_MINUTE requests in a minute. Stripe retries on its own; raise the limit if this is your normal traffic, and behind a proxy set TRUSTED_PROXY_HOPS so each sender gets its own limit.";
    case "too_large":
      return route === "stripe"
        ? "The body was over the 256 KiB limit. Stripe events are far smaller: this was probably not Stripe."
        : "The body was over the 256 KiB limit: the app backend should send only the event's fields (no files or logs).";
    case "missing_signature":
      if (sender)
        return `The request had no ${header} header: it did not come from ${sender}, or a proxy removed the header.`;
      return route === "stripe"
        ? "The request had no Stripe-Signature header: it did not come from Stripe, or a proxy removed the header."
        : "The request had no App-Signature header: the app backend must sign every event (see README, app events).";
    case "malformed_signature":
      if (route === "intercom")
        return "The X-Hub-Signature header is not of the form sha1=<hex>: not Intercom's signature.";
      if (route === "zendesk")
        return "The X-Zendesk-Webhook-Signature header (base64) or its -Timestamp header is unreadable: not Zendesk's signature.";
      return `The ${header} header is not of the form t=<unix time>,v1=<hex>: the sender is not signing the way we check.`;
    case "bad_signature":
      return `The signature did not match: the webhook secret is probably wrong. ${secretHelp(route)}`;
    case "stale_timestamp":
      return "The signed time is more than 5 minutes old: a replayed request, or this server's clock is behind. Check the clock (NTP); the sender's retries will then go through.";
    case "future_timestamp":
      return "The signed time is more than 5 minutes in the future: the sender's clock or this server's is wrong. Check both clocks (NTP).";
    case "malformed_body":
      return "The signature was right but the body is not valid JSON (or is empty): the sender has a bug.";
    case "invalid_event":
      if (sender)
        return `The signature was right but the body is not a ${sender} webhook we understand: the refusal named the field.`;
      return route === "stripe"
        ? "The signature was right but the body is not a Stripe event (id evt_…, type, created, data.object)."
        : "The signature was right but the event does not have the expected fields: the refusal named the field; fix the app backend (see README, app events).";
    default:
      return "";
  }
}
