// POST /api/admin/events/replay — bulk replay of failed events: {"ids": [...]} or {"filter": {source,
// type, customer, from, to}} (the events list's filters). Answers { replayId, queued, eventIds }: the
// replay is kept in the database, its progress at GET /api/admin/replays/:id. Admin role.
// Body: JSON up to 512 KiB (413 beyond): room for BULK_REPLAY_LIMIT ids.
import { z } from "zod";
import { getDb } from "@/db";
import { readJsonBody, withApiActor } from "@/lib/auth/access";
import { BULK_REPLAY_LIMIT, bulkReplay } from "@/lib/commands/replay";
import { fail, failureResponse } from "@/lib/result";
import { eventFilterBody } from "@/lib/schemas/event-filter";
import { formatIssues } from "@/lib/schemas/issues";

/** 10,000 UUIDs are ~400 KB of JSON (~440 KB pretty-printed); the other admin writes take 64 KiB. */
const MAX_BODY_BYTES = 512 * 1024;

const body = z.union([
  z.object({ ids: z.array(z.uuid()).min(1).max(BULK_REPLAY_LIMIT) }).strict(),
  z.object({ filter: eventFilterBody }).strict(),
]);

export async function POST(req: Request) {
  return withApiActor(req, "admin", async (actor) => {
    const input = await readJsonBody(req, {
      invalid: 'Body is not valid JSON: send {"ids": [...]} or {"filter": {...}}.',
      limit: MAX_BODY_BYTES,
    });
    if (input.error) return input.error;
    const parsed = body.safeParse(input.value);
    if (!parsed.success) {
      return failureResponse(
        fail(
          400,
          `Invalid body: send {"ids": [uuid, ...]} or {"filter": {source, type, customer, from, to}} (${formatIssues(parsed.error, { root: "body" })})`,
        ),
      );
    }
    const result = await bulkReplay(await getDb(), actor, parsed.data);
    return Response.json(result, { status: 202 });
  });
}
