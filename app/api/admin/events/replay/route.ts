// POST /api/admin/events/replay — bulk replay of failed events: {"ids": [...]} or {"filter": {source,
// type, customer, from, to}} (the events list's filters). Answers how many were queued. Admin role.
import { z } from "zod";
import { getDb } from "@/db";
import { withApiActor } from "@/lib/auth/access";
import { BULK_REPLAY_LIMIT, bulkReplay } from "@/lib/commands/replay";
import { fail, failureResponse } from "@/lib/result";
import { eventFilterBody } from "@/lib/schemas/event-filter";
import { formatIssues } from "@/lib/schemas/issues";

const body = z.union([
  z.object({ ids: z.array(z.uuid()).min(1).max(BULK_REPLAY_LIMIT) }).strict(),
  z.object({ filter: eventFilterBody }).strict(),
]);

export async function POST(req: Request) {
  return withApiActor(req, "admin", async (actor) => {
    let input: unknown;
    try {
      input = JSON.parse(await req.text());
    } catch {
      return failureResponse(fail(400, 'Body is not valid JSON: send {"ids": [...]} or {"filter": {...}}.'));
    }
    const parsed = body.safeParse(input);
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
