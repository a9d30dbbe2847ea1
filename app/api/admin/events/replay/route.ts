// POST /api/admin/events/replay — bulk replay of failed events: {"ids": [...]} or {"filter": {source,
// type, customer, from, to}} (the events list's filters). Answers how many were queued. Admin role.
import { z } from "zod";
import { getDb } from "@/db";
import { withApiActor } from "@/lib/auth/access";
import { BULK_REPLAY_LIMIT, bulkReplay } from "@/lib/commands/replay";

const filter = z
  .object({
    source: z.enum(["stripe", "app"]).optional(),
    type: z.string().max(200).optional(),
    customer: z.string().max(200).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
const body = z.union([z.object({ ids: z.array(z.uuid()).min(1).max(BULK_REPLAY_LIMIT) }).strict(), z.object({ filter }).strict()]);

export async function POST(req: Request) {
  return withApiActor(req, "admin", async (actor) => {
    let input: unknown;
    try {
      input = JSON.parse(await req.text());
    } catch {
      return Response.json({ error: "Body is not valid JSON: send {\"ids\": [...]} or {\"filter\": {...}}." }, { status: 400 });
    }
    const parsed = body.safeParse(input);
    if (!parsed.success) return Response.json({ error: `Invalid body: send {"ids": [uuid, ...]} or {"filter": {source, type, customer, from, to}} (${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")})` }, { status: 400 });
    const target =
      "ids" in parsed.data
        ? { ids: parsed.data.ids }
        : { filter: { ...parsed.data.filter, from: parsed.data.filter.from ? new Date(parsed.data.filter.from) : undefined, to: parsed.data.filter.to ? new Date(parsed.data.filter.to) : undefined } };
    const result = await bulkReplay(await getDb(), actor, target);
    return Response.json(result, { status: 202 });
  });
}
