// Known errors in a founder's words: what went wrong and what to do, from a step's error fields (service,
// HTTP status, the service's code and message). The raw text stays one click away on every screen that
// shows a sentence. Unknown errors answer null: the caller shows the raw line.
//
// The shapes come from the clients' classifiers (lib/integrations/*/errors.ts) and the sandboxes: HubSpot
// puts its first error's code (INVALID_EMAIL, PROPERTY_DOESNT_EXIST) or its category (VALIDATION_ERROR,
// RATE_LIMITS, INVALID_AUTHENTICATION, MISSING_SCOPES) in `code`, and sometimes only names the real error
// inside the message; Zendesk's code is `RecordInvalid`, `RecordNotFound`, `Forbidden`; Stripe's is its
// `code` (`card_declined`, `resource_missing`) or error type; a missing answer is `network: …` in the message.

export type ErrorFields = {
  service: string | null;
  status: number | null;
  code: string | null;
  message: string | null;
};

export type Explanation = {
  /** One sentence, plain words: "HubSpot refused the email address as invalid." */
  sentence: string;
  /** What to do about it, when there is something: "Fix the email in the app, then replay." */
  action?: string;
  /** A short tag for grouping and filters: invalid_email, missing_scope, revoked_token, rate_limited, not_found, … */
  kind: string;
};

const SERVICE_NAMES: Record<string, string> = {
  hubspot: "HubSpot",
  zendesk: "Zendesk",
  stripe: "Stripe",
  intercom: "Intercom",
  app: "Your app",
  alerts: "The alert webhook",
  database: "The database",
};

/** A stored service name as the console writes it ("hubspot" → "HubSpot"); unknown names are kept. */
export function serviceName(service: string | null | undefined): string {
  if (!service) return "Our own code";
  return SERVICE_NAMES[service] ?? service;
}

/** Where each service's token is set, so an action can say which credential to fix. */
const CREDENTIAL_OF: Record<string, string> = {
  hubspot: "the HubSpot private app token",
  zendesk: "the Zendesk API token",
  stripe: "the Stripe secret key",
  intercom: "the Intercom access token",
  app: "the app callback secret",
  alerts: "the alert webhook URL",
};

const DECLINE_CODES = new Set([
  "card_declined",
  "insufficient_funds",
  "expired_card",
  "incorrect_cvc",
  "processing_error",
  "authentication_required",
  "do_not_honor",
  "lost_card",
  "stolen_card",
]);

const has = (text: string, pattern: RegExp) => pattern.test(text);

/** The explanation of a known error, or null. */
export function explainError(fields: ErrorFields): Explanation | null {
  const service = fields.service?.toLowerCase() ?? null;
  const who = serviceName(service);
  const status = fields.status;
  const code = fields.code ?? "";
  const message = fields.message ?? "";
  // Codes and messages are matched together: HubSpot's batch answers carry the real code inside the message.
  const text = `${code} ${message}`;
  const credential = CREDENTIAL_OF[service ?? ""] ?? "the credential";

  if (has(text, /INVALID_EMAIL|email address .* is invalid|invalid email/i)) {
    const address = /email address (\S+) is invalid/i.exec(message)?.[1];
    return {
      kind: "invalid_email",
      sentence: `${who} refused the email address${address ? ` ${address}` : ""} as invalid.`,
      action: "Correct the email in your app (the customer's profile), then replay the event.",
    };
  }
  if (has(text, /PROPERTY_DOESNT_EXIST|property \\?"?[\w-]+\\?"? does not exist/i)) {
    const property = /property \\?"?([\w-]+)\\?"? does not exist/i.exec(message)?.[1];
    return {
      kind: "missing_property",
      sentence: `${who} has no ${property ? `"${property}" ` : ""}property to write to.`,
      action: "Create the missing contact properties (Readiness shows which), then replay the event.",
    };
  }
  if (service === "stripe" && (DECLINE_CODES.has(code) || has(message, /card was declined/i))) {
    return {
      kind: "card_declined",
      sentence: "Stripe declined the customer's card.",
      action: "Nothing to fix on our side: the customer updates their payment method; Stripe retries on its own.",
    };
  }
  if (status === 401 || has(text, /INVALID_AUTHENTICATION|EXPIRED_AUTHENTICATION|authentication_error|unauthorized/i)) {
    return {
      kind: "revoked_token",
      sentence: `${who} no longer accepts our credentials: ${credential} was revoked, expired or mistyped.`,
      action: `Set a valid ${credential.replace(/^the /, "")} (Readiness checks it), then replay the failed events.`,
    };
  }
  if (status === 403 && has(text, /MISSING_SCOPES|scope/i)) {
    return {
      kind: "missing_scope",
      sentence: `${who} accepts our token but it lacks a permission (scope) this step needs.`,
      action: `Add the missing scope to ${credential} (Readiness lists the scopes), then replay.`,
    };
  }
  if (status === 403) {
    return {
      kind: "forbidden",
      sentence: `${who} refused the request: our account is not allowed to do this.`,
      action: `Check the permissions of ${credential} (Readiness), then replay.`,
    };
  }
  if (status === 429 || has(text, /RATE_LIMITS|rate limit|too many requests/i)) {
    return {
      kind: "rate_limited",
      sentence: `${who} asked us to slow down (rate limited).`,
      action: "It retries on its own; if it still failed, replay in a few minutes.",
    };
  }
  if (status === 404 || has(code, /^(resource_missing|RecordNotFound|OBJECT_NOT_FOUND|not_found)$/i)) {
    return {
      kind: "not_found",
      sentence: `${who} no longer has the record this step writes to (deleted or merged there).`,
      action: "Check the customer's links on their page (unlink or re-link), then replay.",
    };
  }
  if (status === 409 || has(text, /\bCONFLICT\b|already exists|duplicate/i)) {
    return {
      kind: "conflict",
      sentence: `${who} already has a record with the same key (a duplicate).`,
      action: "Merge the duplicates in the tool, or link the existing one on the customer's page, then replay.",
    };
  }
  if (
    status === 408 ||
    status === 504 ||
    has(message, /^network:|timed? ?out|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENOTFOUND/i)
  ) {
    return {
      kind: "timeout",
      sentence: `${who} did not answer in time (timeout or network failure).`,
      action: "Usually passing: replay the event; if it keeps failing, check the service's status page.",
    };
  }
  if (status !== null && status >= 500) {
    return {
      kind: "server_error",
      sentence: `${who} had an internal error (${status}) on its side.`,
      action: "Not caused by your data: replay the event once the service is back.",
    };
  }
  if (status === 400 || status === 422 || has(code, /^(RecordInvalid|VALIDATION_ERROR|invalid_request_error)$/)) {
    return {
      kind: "rejected_data",
      sentence: `${who} rejected the data we sent as invalid.`,
      action: "Open the raw error to see which field, correct it at the source, then replay.",
    };
  }
  return null;
}
