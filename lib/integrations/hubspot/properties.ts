// The contact properties this product writes. HubSpot rejects unknown properties, so they are created,
// in a group of their own, when missing; `app_user_id` has unique values so it can key upserts.
import type { Client } from "@hubspot/api-client";
import {
  PropertyCreateFieldTypeEnum as Field,
  PropertyCreateTypeEnum as Type,
} from "@hubspot/api-client/lib/codegen/crm/properties/models/PropertyCreate";

export const PROPERTY_GROUP = { name: "founder_ops", label: "Founder Ops", displayOrder: -1 };

export const CUSTOM_PROPERTIES = [
  { name: "app_user_id", label: "App user id", type: Type.String, fieldType: Field.Text, hasUniqueValue: true },
  { name: "app_plan", label: "Plan", type: Type.String, fieldType: Field.Text },
  { name: "app_billing_status", label: "Billing status", type: Type.String, fieldType: Field.Text },
  { name: "app_signup_date", label: "Signup date", type: Type.Date, fieldType: Field.Date },
  { name: "app_stripe_customer_id", label: "Stripe customer id", type: Type.String, fieldType: Field.Text },
  { name: "app_last_payment_event", label: "Last payment event", type: Type.String, fieldType: Field.Text },
  { name: "app_trial_ends_at", label: "Trial ends", type: Type.Date, fieldType: Field.Date },
] as const;

export type ContactProperty =
  | (typeof CUSTOM_PROPERTIES)[number]["name"]
  | "email"
  | "firstname"
  | "lastname"
  | "lifecyclestage";

/**
 * Creates the group and any missing property; safe to run concurrently and repeatedly (409 = exists).
 * `spend` runs before each call (the account's rate budget).
 */
export async function ensureContactProperties(
  client: Client,
  spend: () => Promise<void> = async () => {},
): Promise<void> {
  await spend();
  await client.crm.properties.groupsApi.create("contacts", PROPERTY_GROUP).catch(ignoreConflict);
  await spend();
  const existing = await client.crm.properties.coreApi.getAll("contacts");
  const names = new Set(existing.results.map((p) => p.name));
  for (const prop of CUSTOM_PROPERTIES) {
    if (names.has(prop.name)) continue;
    await spend();
    await client.crm.properties.coreApi
      .create("contacts", { ...prop, groupName: PROPERTY_GROUP.name })
      .catch(ignoreConflict);
  }
}

function ignoreConflict(err: unknown) {
  if ((err as { code?: number })?.code === 409) return;
  throw err;
}
