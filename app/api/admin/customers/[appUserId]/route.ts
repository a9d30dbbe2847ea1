// GET /api/admin/customers/:appUserId: the unified identity of one customer:
// { customer, identities, entitlement } with entitlement.status none|trialing|active|past_due|canceled.
import { withApiActor } from "@/lib/auth/access";
import { getDb } from "@/db";
import { getCustomerByAppUserId } from "@/db/queries/customers";

export async function GET(req: Request, { params }: { params: Promise<{ appUserId: string }> }) {
  return withApiActor(req, "viewer", async () => {
    const { appUserId } = await params;
    const found = await getCustomerByAppUserId(await getDb(), appUserId);
    if (!found) return Response.json({ error: `No customer with app user id "${appUserId}".` }, { status: 404 });
    return Response.json(found);
  });
}
