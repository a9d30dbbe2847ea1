// GET /api/admin/drift: the open drift findings (what differs between our records and Stripe, HubSpot or
// Zendesk, since when) as JSON with the console's params (system, sort, page, perPage); a bad param answers 400.
import { withApiActor } from "@/lib/auth/access";
import { getDb } from "@/db";
import { driftTableParams, listDrift } from "@/db/queries/drift";
import { parseRequestTableParams } from "@/lib/schemas/table-params";

export async function GET(req: Request) {
  return withApiActor(req, "viewer", async () => {
    const { params, error } = parseRequestTableParams(req, driftTableParams);
    if (error) return error;
    const { page, perPage, sort, filters } = params;
    const result = await listDrift(await getDb(), { ...filters, page, perPage, sort });
    return Response.json({ ...result, page, perPage });
  });
}
