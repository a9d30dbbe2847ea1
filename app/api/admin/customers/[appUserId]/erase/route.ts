// POST /api/admin/customers/:appUserId/erase `{ "confirm": "<app user id or email>", "reason"?: "…" }` — erase
// the person everywhere (HubSpot, Zendesk/Intercom, Stripe, our records) through one erasure pipeline event.
// OWNER only: admins, viewers and the admin API token get 403 (it cannot be undone). 400 when the body is not
// that shape or `confirm` does not name the person (nothing written), 404 unknown person, 409 already erased;
// else 202 `{ erasureId, eventId, url }` where `url` is the erasure's receipt page in the console.
import { z } from "zod";
import { getDb } from "@/db";
import { readJsonBody, withApiActor } from "@/lib/auth/access";
import { publicOrigin } from "@/lib/billing/recovery-link";
import { decodeAppUserId, requestErasure } from "@/lib/erasure/export";
import { fail, failureResponse } from "@/lib/result";
import { formatIssues } from "@/lib/schemas/issues";

type Params = { params: Promise<{ appUserId: string }> };

const body = z.object({ confirm: z.string().max(500), reason: z.string().max(500).nullish() }).strict();
const EXPECTED = 'send {"confirm": "<the app user id or the email>", "reason": "<optional>"}';

export async function POST(req: Request, { params }: Params) {
  return withApiActor(req, "owner", async (actor) => {
    const input = await readJsonBody(req, { invalid: `Body is not valid JSON: ${EXPECTED}.` });
    if (input.error) return input.error;
    const parsed = body.safeParse(input.value);
    if (!parsed.success)
      return failureResponse(
        fail(400, `Invalid body: ${EXPECTED} (${formatIssues(parsed.error, { root: "body" })}).`, "confirm"),
      );
    const result = await requestErasure(await getDb(), actor, {
      appUserId: decodeAppUserId((await params).appUserId),
      confirm: parsed.data.confirm,
      reason: parsed.data.reason,
    });
    if (!result.ok) return failureResponse(result);
    const { erasureId, eventId } = result;
    const url = `${publicOrigin(new URL(req.url).origin)}/erasures/${erasureId}`;
    return Response.json({ erasureId, eventId, url }, { status: 202 });
  });
}
