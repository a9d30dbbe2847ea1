// Intercom webhooks: raw body (capped) → X-Hub-Signature (HMAC-SHA1, INTERCOM_WEBHOOK_SECRET) → zod → store
// once (external id = the notification id, type = its topic) → enqueue → 200. Conversation state changes
// (closed, opened, snoozed) are processed; other topics (Intercom's `ping` test among them) are stored `ignored`.
// Every refusal is recorded (lib/ingest/rejections.ts) and answered `{ error, code }`.
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { verifyIntercomSignature } from "@/lib/ingest/intercom-signature";
import { parseIntercomNotification } from "@/lib/ingest/intercom-schemas";
import { findNul } from "@/lib/ingest/nul";
import { webhookPrelude } from "@/lib/ingest/prelude";
import { storeEvent } from "@/lib/ingest/store";
import { jsonOk } from "@/lib/ingest/respond";
import { refuse } from "@/lib/ingest/rejections";
import { enqueueEvent } from "@/lib/jobs";

export async function POST(req: Request) {
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
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return refuse(req, { route: "intercom", reason: "malformed_body", status: 400, body }, "Body is not valid JSON.");
  }
  const nul = findNul(json);
  if (nul)
    return refuse(
      req,
      { route: "intercom", reason: "invalid_event", status: 400, body },
      `Invalid notification: ${nul}.`,
    );
  const parsed = parseIntercomNotification(json);
  if (!parsed.ok)
    return refuse(
      req,
      { route: "intercom", reason: "invalid_event", status: 400, body },
      `Invalid notification: ${parsed.error}`,
    );
  const { known, event } = parsed.value;
  const db = await getDb();
  const stored = await storeEvent(db, {
    source: "intercom",
    externalId: event.id,
    type: event.topic,
    rawBody: body,
    occurredAt: new Date(event.created_at * 1000),
    status: known ? "received" : "ignored",
  });
  log.info("webhook.intercom", {
    eventId: stored.id,
    type: event.topic,
    duplicate: stored.duplicate,
    correlationId: stored.correlationId,
  });
  const answer = { received: true, id: stored.id };
  if (stored.duplicate) return jsonOk({ ...answer, duplicate: true });
  if (known) await enqueueEvent({ id: stored.id, source: "intercom", type: event.topic, rawBody: body });
  return jsonOk(known ? answer : { ...answer, ignored: true });
}
