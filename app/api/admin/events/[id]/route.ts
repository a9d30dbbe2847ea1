// GET /api/admin/events/:id: one event with its customer, pipeline steps and parsed payload.
import { withApiActor } from "@/lib/auth/access";
import { getDb } from "@/db";
import { getEventDetail } from "@/db/queries/events";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  return withApiActor(req, "viewer", async () => {
    const { id } = await params;
    const detail = await getEventDetail(await getDb(), id);
    if (!detail) return Response.json({ error: `No event with id "${id}" (event ids are UUIDs).` }, { status: 404 });
    const { event, customer, steps, payload } = detail;
    return Response.json({ event, customer, steps, payload });
  });
}
