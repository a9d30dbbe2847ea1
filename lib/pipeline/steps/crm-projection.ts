// HubSpot is a projection of our records: the contact is always written from the customer's current
// row and entitlement, so any event (in any order, replayed or not) leaves HubSpot with the same values.
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { customers, entitlements } from "@/db/schema";
import type { ContactWrite } from "@/lib/integrations/hubspot/client";
import { identityOf } from "@/db/queries/identities";

export async function contactProjection(db: Db, customerId: string): Promise<ContactWrite> {
  const [row] = await db
    .select({ customer: customers, entitlement: entitlements })
    .from(customers)
    .leftJoin(entitlements, eq(entitlements.customerId, customers.id))
    .where(eq(customers.id, customerId))
    .limit(1);
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
      ...(customer.signedUpAt ? { app_signup_date: String(Date.UTC(customer.signedUpAt.getUTCFullYear(), customer.signedUpAt.getUTCMonth(), customer.signedUpAt.getUTCDate())) } : {}),
      ...(stripeId ? { app_stripe_customer_id: stripeId } : {}),
    },
  };
}
