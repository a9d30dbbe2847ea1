// GET /api/admin/customers/:appUserId: the unified identity of one customer: { customer, identities,
// entitlement } with entitlement.status none|incomplete|trialing|active|past_due|canceled, entitlement.access
// (whether that status grants paid access; past_due follows PAST_DUE_ACCESS), the one-time payment behind it
// (stripePaymentIntentId) and disputedAt (a dispute is open on its payment).
import { withApiActor } from "@/lib/auth/access";
import { getDb } from "@/db";
import { getCustomerByAppUserId } from "@/db/queries/customers";
import { entitlementOf } from "@/db/queries/entitlements";
import { hasAccess } from "@/lib/billing/access";

export async function GET(req: Request, { params }: { params: Promise<{ appUserId: string }> }) {
  return withApiActor(req, "viewer", async () => {
    const { appUserId } = await params;
    const db = await getDb();
    const found = await getCustomerByAppUserId(db, appUserId);
    if (!found) return Response.json({ error: `No customer with app user id "${appUserId}".` }, { status: 404 });
    const row = await entitlementOf(db, found.customer.id);
    const entitlement = {
      ...found.entitlement,
      access: hasAccess(found.entitlement.status),
      stripePaymentIntentId: row?.stripePaymentIntentId ?? null,
      disputedAt: row?.disputedAt ?? null,
    };
    return Response.json({ ...found, entitlement });
  });
}
