// What reconciliation compares, in plain words for the console: the managed HubSpot contact properties, the
// entitlement fields Stripe decides, the Zendesk requester's external id. No server imports (the page uses it).

/** The contact properties the product writes (the projection's keys): read back and compared. */
export const MANAGED_CONTACT_PROPERTIES = [
  "email",
  "app_user_id",
  "firstname",
  "lastname",
  "lifecyclestage",
  "app_plan",
  "app_billing_status",
  "app_signup_date",
  "app_stripe_customer_id",
] as const;

/** Date properties: HubSpot answers a day (`2026-11-27`) for what we write as midnight UTC in milliseconds. */
export const DATE_CONTACT_PROPERTIES: readonly string[] = ["app_signup_date", "app_trial_ends_at"];

const FIELD_LABEL: Record<string, string> = {
  "hubspot:email": "Email on the HubSpot contact",
  "hubspot:app_user_id": "App user id on the HubSpot contact",
  "hubspot:firstname": "First name on the HubSpot contact",
  "hubspot:lastname": "Last name on the HubSpot contact",
  "hubspot:lifecyclestage": "Lifecycle stage on the HubSpot contact",
  "hubspot:app_plan": "Plan on the HubSpot contact",
  "hubspot:app_billing_status": "Billing status on the HubSpot contact",
  "hubspot:app_signup_date": "Signup date on the HubSpot contact",
  "hubspot:app_stripe_customer_id": "Stripe customer id on the HubSpot contact",
  "hubspot:contact": "The HubSpot contact itself",
  "stripe:entitlement.status": "Access status against Stripe's subscription",
  "stripe:entitlement.plan": "Plan against Stripe's subscription",
  "zendesk:external_id": "External id of the Zendesk requester",
};

export const SYSTEM_NAME: Record<string, string> = { stripe: "Stripe", hubspot: "HubSpot", zendesk: "Zendesk" };

/** A finding's field in plain words, e.g. "Plan on the HubSpot contact". */
export function driftFieldLabel(system: string, field: string): string {
  return FIELD_LABEL[`${system}:${field}`] ?? `${field} (${SYSTEM_NAME[system] ?? system})`;
}

/** The system filter's options. */
export const DRIFT_SYSTEM_OPTIONS = [
  { value: "stripe", label: "Stripe" },
  { value: "hubspot", label: "HubSpot" },
  { value: "zendesk", label: "Zendesk" },
] as const;
