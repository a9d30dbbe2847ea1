// Zendesk's event-subscribed webhooks: raw body (capped) → X-Zendesk-Webhook-Signature (base64 HMAC-SHA256 of
// timestamp + body with ZENDESK_WEBHOOK_SECRET, 300 s tolerance) → zod (each bad field named) → store once
// (source zendesk, the event's own id) → enqueue → 200. `zen:event-type:ticket.status_changed` brings a
// ticket's status back to our ticket and to the app; other Zendesk event types are stored, marked ignored.
// Every refusal is recorded (lib/ingest/rejections.ts) and answered `{ error, code }`.
import { env } from "@/lib/env";
import { acceptVerified } from "@/lib/ingest/accept-verified";
import { webhookPrelude } from "@/lib/ingest/prelude";
import { refuse } from "@/lib/ingest/rejections";
import { parseZendeskEvent } from "@/lib/ingest/zendesk-schemas";
import {
  ZENDESK_SIGNATURE_HEADER,
  ZENDESK_TIMESTAMP_HEADER,
  verifyZendeskSignature,
} from "@/lib/ingest/zendesk-signature";
import { tracedRoute } from "@/lib/telemetry/trace";

async function handleZendeskWebhook(req: Request) {
  const prelude = await webhookPrelude(req, "zendesk");
  if (!prelude.ok) return prelude.response;
  const { body } = prelude;
  const secret = env.ZENDESK_WEBHOOK_SECRET;
  if (!secret)
    return refuse(
      req,
      { route: "zendesk", reason: "bad_signature", status: 400, body },
      "Zendesk webhooks are off here: set ZENDESK_WEBHOOK_SECRET to the webhook's signing secret.",
    );
  const signature = verifyZendeskSignature(
    req.headers.get(ZENDESK_SIGNATURE_HEADER),
    req.headers.get(ZENDESK_TIMESTAMP_HEADER),
    body,
    secret,
  );
  if (!signature.ok)
    return refuse(req, { route: "zendesk", reason: signature.code, status: 400, body }, signature.reason);
  return acceptVerified(req, "zendesk", body, (json) => {
    const parsed = parseZendeskEvent(json);
    if (!parsed.ok) return parsed;
    const { known, event, type } = parsed.value;
    return { ok: true, value: { known, externalId: event.id, type, occurredAt: new Date(event.time) } };
  });
}

export const POST = tracedRoute("/api/webhooks/zendesk", handleZendeskWebhook);
