// GET /api/admin/replays/:id: one bulk replay's progress, read from the database (total, done, succeeded,
// failed, pending, the ids that failed again, status, who started it and when). Admin role, like the replay.
import { getDb } from "@/db";
import { withApiActor } from "@/lib/auth/access";
import { bulkReplayProgress } from "@/lib/commands/replay-progress";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  return withApiActor(req, "admin", async () => {
    const { id } = await params;
    const replay = UUID.test(id) ? await bulkReplayProgress(await getDb(), id) : undefined;
    if (!replay)
      return Response.json({ error: `No bulk replay with id "${id}" (replay ids are UUIDs).` }, { status: 404 });
    return Response.json(replay);
  });
}
