// `sync-crm`: HubSpot is a projection of our records. The contact is always written from the customer's
// current row and entitlement, so any event (in any order, replayed or not) leaves HubSpot with the same
// values; the contact is upserted by our app user id, never searched for first.
import type { Db } from "@/db";
import { customerWithEntitlement, identityOf, linkIdentity } from "@/db/queries/identities";
import type { ContactWrite } from "@/lib/integrations/hubspot/client";
import { STEP } from "@/lib/pipeline/engine/step-names";
import type { Step, StepContext } from "@/lib/pipeline/engine/types";
import { customerFrom } from "./resolve-identity";

/** `sync-crm`: writes the customer's current state to their HubSpot contact and records the link. */
export function syncCrmStep<P>(extra?: (ctx: StepContext<P>) => ContactWrite["properties"]): Step<P> {
  return {
    name: STEP.syncCrm,
    run: async (ctx) => {
      const { customerId } = customerFrom(ctx);
      const contact = await contactProjection(ctx.db, customerId);
      const contactId = await ctx.services.hubspot.upsertContact(
        { ...contact, properties: { ...contact.properties, ...extra?.(ctx) } },
        { correlationId: ctx.correlationId },
      );
      await linkIdentity(ctx.db, customerId, "hubspot", contactId, "id");
      return { externalRef: contactId };
    },
  };
}

/** The HubSpot contact of a customer, from our records. */
export async function contactProjection(db: Db, customerId: string): Promise<ContactWrite> {
  const row = await customerWithEntitlement(db, customerId);
  if (!row) throw new Error(`customer ${customerId} not found`);
  const { customer, entitlement } = row;
  const [firstname, ...rest] = (customer.name ?? "").trim().split(/\s+/);
  const status = entitlement?.status ?? "none";
  const stripeId = await identityOf(db, customerId, "stripe");
  return {
    appUserId: customer.appUserId,
    email: customer.email,
    properties: {
      ...(customer.name ? { firstname, lastname: rest.join(" ") } : {}),
      lifecyclestage: status === "none" ? "lead" : "customer",
      app_plan: entitlement?.plan ?? null,
      app_billing_status: status,
      ...(customer.signedUpAt
        ? {
            app_signup_date: String(
              Date.UTC(
                customer.signedUpAt.getUTCFullYear(),
                customer.signedUpAt.getUTCMonth(),
                customer.signedUpAt.getUTCDate(),
              ),
            ),
          }
        : {}),
      ...(stripeId ? { app_stripe_customer_id: stripeId } : {}),
    },
  };
}
