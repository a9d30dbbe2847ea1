// GET /api/admin/customers/:appUserId/data — "download this person's data" (a data-access request): one JSON
// file with what each system holds about them (our records, the live Stripe customer, HubSpot contact, Zendesk
// user and tickets or Intercom contact and conversations). A system that cannot be read is reported inside the
// file (`{ status: "failed", error }`), not as a 500. Admin and owner (it carries personal data out of the
// console; viewer 403); 404 for an unknown or erased person. Audited as `customer.data_exported`.
import { getDb } from "@/db";
import { audit } from "@/db/queries/audit";
import { withApiActor } from "@/lib/auth/access";
import { decodeAppUserId, exportPersonData } from "@/lib/erasure/export";
import { getServices } from "@/lib/integrations";
import { failureResponse } from "@/lib/result";

type Params = { params: Promise<{ appUserId: string }> };

export async function GET(req: Request, { params }: Params) {
  return withApiActor(req, "admin", async (actor) => {
    const appUserId = decodeAppUserId((await params).appUserId);
    const db = await getDb();
    const result = await exportPersonData(db, getServices(), actor, appUserId);
    if (!result.ok) return failureResponse(result);
    await audit(
      db,
      actor,
      "customer.data_exported",
      { type: "customer", id: appUserId },
      {
        systems: result.data.summary,
        events: result.data.ourRecords.events.length,
      },
    );
    return new Response(JSON.stringify(result.data, null, 2), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="${result.filename}"`,
        "cache-control": "no-store",
      },
    });
  });
}
