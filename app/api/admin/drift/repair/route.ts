// POST /api/admin/drift/repair: `{"id": "<finding id>"}` repairs one difference (with the customer's other
// open ones in that system), `{"all": true}` every open one → `{ repaired, failed, message }`. Audited. Admin role.
import { z } from "zod";
import { getDb } from "@/db";
import { readJsonBody, withApiActor } from "@/lib/auth/access";
import { repairDrift } from "@/lib/commands/drift";
import { fail, failureResponse } from "@/lib/result";
import { formatIssues } from "@/lib/schemas/issues";

const body = z.union([z.object({ id: z.uuid() }).strict(), z.object({ all: z.literal(true) }).strict()]);

export async function POST(req: Request) {
  return withApiActor(req, "admin", async (actor) => {
    const input = await readJsonBody(req, { invalid: 'Body is not valid JSON: send {"id": "…"} or {"all": true}.' });
    if (input.error) return input.error;
    const parsed = body.safeParse(input.value);
    if (!parsed.success)
      return failureResponse(
        fail(
          400,
          `Invalid body: send {"id": "<finding id>"} or {"all": true} (${formatIssues(parsed.error, { root: "body" })})`,
        ),
      );
    const result = await repairDrift(await getDb(), actor, "id" in parsed.data ? parsed.data.id : "all");
    if (!result.ok) return failureResponse(result);
    const { ok: _, ...summary } = result;
    return Response.json(summary);
  });
}
