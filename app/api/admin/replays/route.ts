// GET /api/admin/replays: the newest bulk replays with their progress, newest first. `?status=unfinished`
// keeps those still queued or running (the events page's bar); `limit` 1 to 100 (default 20). Admin role.
import { z } from "zod";
import { getDb } from "@/db";
import { withApiActor } from "@/lib/auth/access";
import { recentReplays } from "@/lib/commands/replay-progress";
import { formatIssues } from "@/lib/schemas/issues";

const query = z
  .object({
    status: z.enum(["unfinished", "all"]).default("all"),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export async function GET(req: Request) {
  return withApiActor(req, "admin", async () => {
    const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!parsed.success)
      return Response.json(
        {
          error: `Invalid query: ${formatIssues(parsed.error, { root: "query" })} (status=unfinished|all, limit=1..100)`,
        },
        { status: 400 },
      );
    const { status, limit } = parsed.data;
    const replays = await recentReplays(await getDb(), { limit, unfinished: status === "unfinished" });
    return Response.json({ replays });
  });
}
