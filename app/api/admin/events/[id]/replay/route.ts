// POST /api/admin/events/:id/replay — replays the event's failed steps ({"force": true}: every step).
// The console's Replay button runs the same operation. Needs the admin role. Body: JSON up to 64 KiB (413 beyond).
import { z } from "zod";
import { getDb } from "@/db";
import { isUuid } from "@/db/queries/events";
import { readJsonBody, withApiActor } from "@/lib/auth/access";
import { replayEvent } from "@/lib/commands/replay";
import { fail, failureResponse } from "@/lib/result";
import { formatIssues } from "@/lib/schemas/issues";

const body = z.object({ force: z.boolean().optional() }).strict();

export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  return withApiActor(req, "admin", async (actor) => {
    const { id } = await params;
    if (!isUuid(id)) return failureResponse(fail(404, "No such event (the id must be a UUID)."));
    const input = await readJsonBody(req, { invalid: "Body is not valid JSON.", empty: {} });
    if (input.error) return input.error;
    const parsed = body.safeParse(input.value);
    if (!parsed.success)
      return failureResponse(fail(400, `Invalid body: ${formatIssues(parsed.error, { root: "body" })}`));
    const result = await replayEvent(await getDb(), actor, id, parsed.data);
    if (!result.ok) return failureResponse(result);
    return Response.json({ eventId: result.eventId, outcome: result.outcome });
  });
}
