// POST /api/admin/backfill/stripe — reads Stripe's events API for deliveries that never reached us, stores the
// missing ones (arrived_via = backfill) and queues them: `{ fetched, stored, alreadyHad, ... }`. Body optional:
// `{"since": "2026-11-01"}` (default: from the cursor of the last run). 409 while a run is going. Admin role.
import { z } from "zod";
import { readJsonBody, withApiActor } from "@/lib/auth/access";
import { backfillStripeNow } from "@/lib/backfill/run";
import { SINCE_HINT, sinceField } from "@/lib/backfill/since";
import { fail, failureResponse } from "@/lib/result";
import { formatIssues } from "@/lib/schemas/issues";

const body = z.object({ since: sinceField.optional() }).strict();

export async function POST(req: Request) {
  return withApiActor(req, "admin", async (actor) => {
    const input = await readJsonBody(req, {
      invalid: `Body is not valid JSON: send nothing, {} or {"since": "2026-11-01"}.`,
      empty: {},
    });
    if (input.error) return input.error;
    const parsed = body.safeParse(input.value);
    if (!parsed.success)
      return failureResponse(
        fail(
          400,
          `Invalid body: send {} or {"since": ${SINCE_HINT}} (${formatIssues(parsed.error, { root: "body" })})`,
        ),
      );
    const result = await backfillStripeNow(actor, { since: parsed.data.since });
    if (!result.ok) return failureResponse(result);
    const { ok: _, ...summary } = result;
    return Response.json(summary);
  });
}
