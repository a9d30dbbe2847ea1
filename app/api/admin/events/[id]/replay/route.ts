// POST /api/admin/events/:id/replay — replays the event's failed steps ({"force": true}: every step).
// The console's Replay button runs the same operation. Needs the admin role.
import { z } from "zod";
import { getDb } from "@/db";
import { isUuid } from "@/db/queries/events";
import { withApiActor } from "@/lib/auth/access";
import { replayEvent } from "@/lib/commands/replay";

const body = z.object({ force: z.boolean().optional() }).strict();

export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  return withApiActor(req, "admin", async (actor) => {
    const { id } = await params;
    if (!isUuid(id)) return Response.json({ error: "No such event (the id must be a UUID)." }, { status: 404 });
    const text = await req.text();
    let input: unknown = {};
    try {
      input = text.trim() ? JSON.parse(text) : {};
    } catch {
      return Response.json({ error: "Body is not valid JSON." }, { status: 400 });
    }
    const parsed = body.safeParse(input);
    if (!parsed.success) return Response.json({ error: `Invalid body: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}` }, { status: 400 });
    const result = await replayEvent(await getDb(), actor, id, parsed.data);
    if (!result.ok) return Response.json({ error: result.error }, { status: result.status });
    return Response.json({ eventId: result.eventId, outcome: result.outcome });
  });
}
