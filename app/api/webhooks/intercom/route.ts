// Intercom webhooks: raw body (capped) → X-Hub-Signature (HMAC-SHA1, INTERCOM_WEBHOOK_SECRET) → zod → store
// once (external id = the notification id, type = its topic) → enqueue → 200. Conversation state changes
// (closed, opened, snoozed) are processed; other topics (Intercom's `ping` test among them) are stored `ignored`.
// Every refusal is recorded (lib/ingest/rejections.ts) and answered `{ error, code }`.
import { env } from "@/lib/env";
import { verifyIntercomSignature } from "@/lib/ingest/intercom-signature";
import { parseIntercomNotification } from "@/lib/ingest/intercom-schemas";
import { acceptVerified } from "@/lib/ingest/accept-verified";
import { webhookPrelude } from "@/lib/ingest/prelude";
import { refuse } from "@/lib/ingest/rejections";
import { tracedRoute } from "@/lib/telemetry/trace";

async function handleIntercomWebhook(req: Request) {
  const prelude = await webhookPrelude(req, "intercom");
  if (!prelude.ok) return prelude.response;
  const { body } = prelude;
  const secret = env.INTERCOM_WEBHOOK_SECRET;
  const signature = secret
    ? verifyIntercomSignature(req.headers.get("x-hub-signature"), body, secret)
    : ({
        ok: false,
        code: "bad_signature",
        reason: "INTERCOM_WEBHOOK_SECRET is not set: Intercom notifications cannot be verified.",
      } as const);
  if (!signature.ok)
    return refuse(req, { route: "intercom", reason: signature.code, status: 400, body }, signature.reason);
  return acceptVerified(req, "intercom", body, (json) => {
    const parsed = parseIntercomNotification(json);
    if (!parsed.ok) return parsed;
    const { known, event } = parsed.value;
    return {
      ok: true,
      value: { known, externalId: event.id, type: event.topic, occurredAt: new Date(event.created_at * 1000) },
    };
  });
}

export const POST = tracedRoute("/api/webhooks/intercom", handleIntercomWebhook);
