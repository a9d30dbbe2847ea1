// POST /api/admin/drift/check: compares every customer with Stripe, HubSpot and Zendesk now and records the
// drift → `{ checked, opened, resolved, failures }`. It only reads the three systems. Admin role.
import { getDb } from "@/db";
import { withApiActor } from "@/lib/auth/access";
import { checkDriftNow } from "@/lib/commands/drift";
import { failureResponse } from "@/lib/result";

export async function POST(req: Request) {
  return withApiActor(req, "admin", async (actor) => {
    const result = await checkDriftNow(await getDb(), actor);
    if (!result.ok) return failureResponse(result);
    const { ok: _, ...summary } = result;
    return Response.json(summary);
  });
}
