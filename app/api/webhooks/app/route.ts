// App events: raw body (capped) → App-Signature → zod (each bad field named) → store once → enqueue → 200.
// support.requested answers with its ticket reference, the same for every retry of one requestId.
// Every refusal is recorded (lib/ingest/rejections.ts) and answered `{ error, code }`.
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { verifyAppSignature } from "@/lib/app-events/signature";
import { parseAppEvent } from "@/lib/ingest/app-schemas";
import { findNul } from "@/lib/ingest/nul";
import { webhookPrelude } from "@/lib/ingest/prelude";
import { reserveTicketReference } from "@/db/queries/support-tickets";
import { erasedReason } from "@/lib/erasure/guard";
import { storeEvent } from "@/lib/ingest/store";
import { jsonOk } from "@/lib/ingest/respond";
import { refuse } from "@/lib/ingest/rejections";
import { enqueueEvent } from "@/lib/jobs";
import { customerKeyOfPayload } from "@/lib/pipeline/engine/registry";
import { annotate, TRACE_ATTR, tracedRoute } from "@/lib/telemetry/trace";

async function handleAppWebhook(req: Request) {
  const prelude = await webhookPrelude(req, "app");
  if (!prelude.ok) return prelude.response;
  const { body } = prelude;
  const signature = verifyAppSignature(req.headers.get("app-signature"), body, env.APP_WEBHOOK_SECRET);
  if (!signature.ok) return refuse(req, { route: "app", reason: signature.code, status: 400, body }, signature.reason);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return refuse(req, { route: "app", reason: "malformed_body", status: 400, body }, "Body is not valid JSON.");
  }
  const nul = findNul(json);
  if (nul) return refuse(req, { route: "app", reason: "invalid_event", status: 400, body }, `Invalid event: ${nul}.`);
  const parsed = parseAppEvent(json);
  if (!parsed.ok)
    return refuse(req, { route: "app", reason: "invalid_event", status: 400, body }, `Invalid event: ${parsed.error}`);
  const { known, event } = parsed.value;
  const db = await getDb();
  const stored = await storeEvent(db, {
    source: "app",
    externalId: event.id,
    type: event.type,
    rawBody: body,
    occurredAt: new Date(event.created),
    status: known ? "received" : "ignored",
    // The customer's serialisation key, from the body already parsed (no second parse on the hot path).
    customerKey: known ? customerKeyOfPayload("app", event.type, json) : null,
  });
  let reference: string | undefined;
  // A support request from an erased person keeps no copy of their email and subject (the guard ignores it).
  if (known && event.type === "support.requested" && !(await erasedReason(db, "app", event.type, body))) {
    const d = event.data;
    reference = await reserveTicketReference(db, {
      requestId: d.requestId,
      eventId: stored.id,
      appUserId: d.userId,
      email: d.email,
      subject: d.subject,
    });
  }
  annotate({ [TRACE_ATTR.eventId]: stored.id, [TRACE_ATTR.correlationId]: stored.correlationId });
  log.info("webhook.app", {
    eventId: stored.id,
    type: event.type,
    duplicate: stored.duplicate,
    correlationId: stored.correlationId,
  });
  const answer = { received: true, id: stored.id, ...(reference ? { reference } : {}) };
  if (stored.duplicate) return jsonOk({ ...answer, duplicate: true });
  if (known)
    await enqueueEvent({
      id: stored.id,
      source: "app",
      type: event.type,
      rawBody: body,
      customerKey: stored.customerKey,
    });
  return jsonOk(known ? answer : { ...answer, ignored: true });
}

export const POST = tracedRoute("/api/webhooks/app", handleAppWebhook);
