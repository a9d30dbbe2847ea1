// GET /api/admin/rejected-deliveries: the webhook deliveries we refused, newest first, as JSON with the
// console's params (route, reason, from, sort, page, perPage); a bad param answers 400 naming it.
import { withApiActor } from "@/lib/auth/access";
import { getDb } from "@/db";
import { listRejectedDeliveries, rejectedDeliveriesTableParams } from "@/db/queries/rejected-deliveries";
import { parseRequestTableParams } from "@/lib/schemas/table-params";

export async function GET(req: Request) {
  return withApiActor(req, "viewer", async () => {
    const { params, error } = parseRequestTableParams(req, rejectedDeliveriesTableParams);
    if (error) return error;
    const { page, perPage, sort, filters } = params;
    const result = await listRejectedDeliveries(await getDb(), { ...filters, page, perPage, sort });
    return Response.json({ ...result, page, perPage });
  });
}
