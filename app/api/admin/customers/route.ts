// GET /api/admin/customers: the customers list as JSON, with the console's params
// (q, status, sort, page, perPage); a bad param answers 400 naming it.
import { withApiActor } from "@/lib/auth/access";
import { getDb } from "@/db";
import { customersTableParams, listCustomers } from "@/db/queries/customers";
import { parseRequestTableParams } from "@/lib/schemas/table-params";

export async function GET(req: Request) {
  return withApiActor(req, "viewer", async () => {
    const { params, error } = parseRequestTableParams(req, customersTableParams);
    if (error) return error;
    const { page, perPage, sort, filters } = params;
    const result = await listCustomers(await getDb(), { ...filters, page, perPage, sort });
    return Response.json({ ...result, page, perPage });
  });
}
