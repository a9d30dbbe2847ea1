// /api/admin/customers/:appUserId/recovery — payment recovery on one customer. GET (viewer): the recovery
// actions taken, newest first → { actions }. POST (admin) `{"action": "card_update_link" | "retry_payment" |
// "resend_receipt"}` → { action } (200; a repeat within 10 minutes answers the first action with
// `repeated: true`; 502 with the recorded action when Stripe or Zendesk refused). 400 bad body, 403 viewer,
// 404 unknown customer, 409 nothing to act on (no open invoice, no paid charge, no requester email). Audited.
import { z } from "zod";
import { getDb } from "@/db";
import { readJsonBody, withApiActor } from "@/lib/auth/access";
import { publicOrigin } from "@/lib/billing/recovery-link";
import { listCustomerRecovery, RECOVERY_KINDS, runRecoveryAction } from "@/lib/commands/recovery";
import { fail, failureResponse } from "@/lib/result";
import { formatIssues } from "@/lib/schemas/issues";

type Params = { params: Promise<{ appUserId: string }> };

const body = z.object({ action: z.enum(RECOVERY_KINDS) }).strict();
const EXPECTED = `send {"action": "${RECOVERY_KINDS.join('" | "')}"}`;

const appUserIdOf = async (params: Params["params"]) => decodeURIComponent((await params).appUserId);

export async function GET(req: Request, { params }: Params) {
  return withApiActor(req, "viewer", async () => {
    const result = await listCustomerRecovery(await getDb(), await appUserIdOf(params));
    if (!result.ok) return failureResponse(result);
    return Response.json({ actions: result.actions });
  });
}

export async function POST(req: Request, { params }: Params) {
  return withApiActor(req, "admin", async (actor) => {
    const input = await readJsonBody(req, { invalid: `Body is not valid JSON: ${EXPECTED}.` });
    if (input.error) return input.error;
    const parsed = body.safeParse(input.value);
    if (!parsed.success)
      return failureResponse(
        fail(400, `Invalid body: ${EXPECTED} (${formatIssues(parsed.error, { root: "body" })}).`, "action"),
      );
    const result = await runRecoveryAction(await getDb(), actor, {
      appUserId: await appUserIdOf(params),
      kind: parsed.data.action,
      origin: publicOrigin(new URL(req.url).origin),
    });
    if (!result.ok) return failureResponse(result);
    const { action, repeated, message } = result;
    return Response.json(
      action.status === "failed" ? { action, repeated, error: action.error, message } : { action, repeated, message },
      { status: action.status === "failed" ? 502 : 200 },
    );
  });
}
