// Zendesk's event-subscribed webhooks: raw body (capped) → X-Zendesk-Webhook-Signature (base64 HMAC-SHA256 of
// timestamp + body with ZENDESK_WEBHOOK_SECRET, 300 s tolerance) → zod (each bad field named) → store once
// (source zendesk, the event's own id) → enqueue → 200. `zen:event-type:ticket.status_changed` brings a
// ticket's status back to our ticket and to the app; other Zendesk event types are stored, marked ignored.
// Every refusal is recorded (lib/ingest/rejections.ts) and answered `{ error, code }`.
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { findNul } from "@/lib/ingest/nul";
import { webhookPrelude } from "@/lib/ingest/prelude";
import { storeEvent } from "@/lib/ingest/store";
import { jsonOk } from "@/lib/ingest/respond";
import { refuse } from "@/lib/ingest/rejections";
import { parseZendeskEvent } from "@/lib/ingest/zendesk-schemas";
import {
  ZENDESK_SIGNATURE_HEADER,
  ZENDESK_TIMESTAMP_HEADER,
  verifyZendeskSignature,
} from "@/lib/ingest/zendesk-signature";
import { enqueueEvent } from "@/lib/jobs";

export async function POST(req: Request) {
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
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return refuse(req, { route: "zendesk", reason: "malformed_body", status: 400, body }, "Body is not valid JSON.");
  }
  const nul = findNul(json);
  if (nul)
    return refuse(req, { route: "zendesk", reason: "invalid_event", status: 400, body }, `Invalid event: ${nul}.`);
  const parsed = parseZendeskEvent(json);
  if (!parsed.ok)
    return refuse(
      req,
      { route: "zendesk", reason: "invalid_event", status: 400, body },
      `Invalid event: ${parsed.error}`,
    );
  const { known, event, type } = parsed.value;
  const db = await getDb();
  const stored = await storeEvent(db, {
    source: "zendesk",
    externalId: event.id,
    type,
    rawBody: body,
    occurredAt: new Date(event.time),
    status: known ? "received" : "ignored",
  });
  log.info("webhook.zendesk", {
    eventId: stored.id,
    type,
    duplicate: stored.duplicate,
    correlationId: stored.correlationId,
  });
  const answer = { received: true, id: stored.id };
  if (stored.duplicate) return jsonOk({ ...answer, duplicate: true });
  if (known) await enqueueEvent({ id: stored.id, source: "zendesk", type, rawBody: body });
  return jsonOk(known ? answer : { ...answer, ignored: true });
}
