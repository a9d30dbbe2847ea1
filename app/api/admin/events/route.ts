// GET /api/admin/events: the events list as JSON, with the console's params
// (q, source, type, status, customer, from, to, sort, page, perPage); a bad param answers 400 naming it. `q`
// finds an event by its source id, our id or correlation id, or a customer's events by email or app user id.
import { withApiActor } from "@/lib/auth/access";
import { getDb } from "@/db";
import { eventsTableParams, listEvents } from "@/db/queries/events";
import { parseRequestTableParams } from "@/lib/schemas/table-params";

export async function GET(req: Request) {
  return withApiActor(req, "viewer", async () => {
    const { params, error } = parseRequestTableParams(req, eventsTableParams);
    if (error) return error;
    const { page, perPage, sort, filters } = params;
    const result = await listEvents(await getDb(), { ...filters, page, perPage, sort });
    return Response.json({ ...result, page, perPage });
  });
}
