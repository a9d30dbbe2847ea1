// `sync-crm`: HubSpot is a projection of our records. The contact is always written from the customer's
// current row and entitlement, so any event (in any order, replayed or not) leaves HubSpot with the same
// values; the contact is upserted by our app user id, never searched for first.
import type { Db } from "@/db";
import {
  appCustomersByEmail,
  type CarriedProjection,
  customerProjectionRow,
  deleteIdentity,
  identityLink,
  linkIdentity,
} from "@/db/queries/identities";
import type { Customer, Entitlement } from "@/db/schema";
import { PermanentError } from "@/lib/integrations/errors";
import type { ContactWrite } from "@/lib/integrations/hubspot/client";
import { STEP } from "@/lib/pipeline/engine/step-names";
import type { Step, StepContext } from "@/lib/pipeline/engine/types";
import { CARRIED_PROJECTION, customerFrom } from "./resolve-identity";

/** `sync-crm`: writes the customer's current state to their HubSpot contact and records the link. */
export function syncCrmStep<P>(extra?: (ctx: StepContext<P>) => ContactWrite["properties"]): Step<P> {
  return {
    name: STEP.syncCrm,
    run: async (ctx) => {
      const { customerId } = customerFrom(ctx);
      const carried = ctx.scratch?.get(CARRIED_PROJECTION) as CarriedRow | undefined;
      const contact =
        carried?.customer.id === customerId ? projectionOf(carried) : await contactProjection(ctx.db, customerId);
      if (!contact.appUserId && !contact.email)
        return {
          skipped: true,
          output: { reason: "a payer with no email and no app user yet: nothing to key a contact on" },
        };
      if (!contact.appUserId && contact.email) {
        // HubSpot keeps one contact per email: while an app user with this email exists (a claim waiting for
        // the founder), the contact follows the app user, not the unclaimed payment.
        const [appUser] = await appCustomersByEmail(ctx.db, contact.email);
        if (appUser)
          return {
            skipped: true,
            output: { reason: `HubSpot's contact for this email is ${appUser.appUserId}'s until the claim is settled` },
          };
      }
      const contactId = await ctx.services.hubspot.upsertContact(
        { ...contact, properties: { ...contact.properties, ...extra?.(ctx) } },
        { correlationId: ctx.correlationId },
      );
      const settle = () => linkContact(ctx.db, customerId, contactId, contact.appUserId);
      // The inline engine writes the link with the event's outcome (one statement fewer per event) and calls
      // `settle` only if the contact turns out to be linked to someone else.
      if (ctx.deferLink)
        ctx.deferLink({ customerId, system: "hubspot", externalId: contactId, matchedBy: "id", settle });
      else await settle();
      return { externalRef: contactId };
    },
  };
}

/**
 * Links the HubSpot contact to the customer; a contact made for an unclaimed payment with this email becomes the
 * app user's. Throws when the contact is someone else's: never report success for a link that was refused.
 */
async function linkContact(db: Db, customerId: string, contactId: string, appUserId: string | null): Promise<void> {
  let link = await linkIdentity(db, customerId, "hubspot", contactId, "id");
  if (!link.linked && link.owner.provisional && appUserId) {
    const previous = await identityLink(db, link.owner.id, "hubspot");
    if (previous) await deleteIdentity(db, previous.id);
    link = await linkIdentity(db, customerId, "hubspot", contactId, "id");
  }
  if (!link.linked)
    throw new PermanentError(
      "hubspot",
      `HubSpot answered contact ${contactId}, which is already linked to ${link.owner.appUserId}. Check both contacts in HubSpot, unlink the wrong one on its customer page, then replay.`,
    );
}

type CarriedRow = { customer: Customer } & CarriedProjection;

/** The HubSpot contact of a customer, from our records. */
export async function contactProjection(db: Db, customerId: string): Promise<ContactWrite> {
  // One query: the customer, its entitlement and its Stripe customer id.
  const row = await customerProjectionRow(db, customerId);
  if (!row) throw new Error(`customer ${customerId} not found`);
  return projectionOf(row);
}

function projectionOf(
  row: CarriedRow | { customer: Customer; entitlement: Entitlement | null; stripeCustomerId: string | null },
): ContactWrite {
  const { customer, entitlement, stripeCustomerId: stripeId } = row;
  const [firstname, ...rest] = (customer.name ?? "").trim().split(/\s+/);
  const status = entitlement?.status ?? "none";
  return {
    // A provisional customer (a payer the app has not announced) is keyed by email until an app user claims it.
    appUserId: customer.provisional ? null : customer.appUserId,
    email: customer.email,
    properties: {
      ...(customer.name ? { firstname, lastname: rest.join(" ") } : {}),
      // Nothing paid yet (no subscription, or a first payment that failed): still a lead.
      lifecyclestage: status === "none" || status === "incomplete" ? "lead" : "customer",
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
