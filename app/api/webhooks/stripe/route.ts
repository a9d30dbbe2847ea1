// Stripe webhooks: read raw body (capped) → verify signature → validate → store once → enqueue → 200.
// Every refusal is recorded (lib/ingest/rejections.ts) and answered `{ error, code }`. Stripe's SDK refuses
// old timestamps only: one more than 300 s in the future is refused here (future_timestamp).
import { z } from "zod";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { webhookPrelude } from "@/lib/ingest/prelude";
import { storeEvent } from "@/lib/ingest/store";
import { findNul } from "@/lib/ingest/nul";
import { formatIssues } from "@/lib/schemas/issues";
import { jsonError, jsonOk } from "@/lib/ingest/respond";
import { isUptimeProbe } from "@/lib/monitoring/probe-token";
import { type Rejection, refuse } from "@/lib/ingest/rejections";
import { verifyStripeWebhook } from "@/lib/integrations/stripe/client";
import { SIGNATURE_TOLERANCE_SECONDS } from "@/lib/app-events/signature";
import { customerKeyOfPayload, hasHandler } from "@/lib/pipeline/engine/registry";
import { enqueueEvent } from "@/lib/jobs";
import { annotate, TRACE_ATTR, tracedRoute } from "@/lib/telemetry/trace";

const stripeEnvelope = z.object({
  id: z.string().regex(/^evt_/, "must be a Stripe event id (evt_…)"),
  type: z.string().min(1),
  created: z.number().int().positive(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

/** The reason code of a constructEvent failure (the SDK's messages are stable across versions). */
function stripeFailure(err: unknown): Rejection["reason"] {
  if (err instanceof SyntaxError) return "malformed_body";
  const message = err instanceof Error ? err.message : "";
  if (/Unable to extract timestamp and signatures|No signatures found with expected scheme/.test(message))
    return "malformed_signature";
  if (/Timestamp outside the tolerance zone/.test(message)) return "stale_timestamp";
  if (/No webhook payload was provided/.test(message)) return "malformed_body";
  return "bad_signature";
}

/** Seconds the header's `t=` lies ahead of now (0 when not ahead or unreadable). */
function secondsAhead(header: string, now = Math.floor(Date.now() / 1000)): number {
  const t = Number(
    header
      .split(",")
      .map((p) => p.trim())
      .find((p) => p.startsWith("t="))
      ?.slice(2),
  );
  return Number.isInteger(t) && t > now ? t - now : 0;
}

async function handleStripeWebhook(req: Request) {
  const prelude = await webhookPrelude(req, "stripe");
  if (!prelude.ok) return prelude.response;
  const { body } = prelude;
  const refused = (reason: Rejection["reason"], message: string) =>
    refuse(req, { route: "stripe", reason, status: 400, body }, message);
  const header = req.headers.get("stripe-signature");
  if (!header) {
    // Our own uptime probe (lib/monitoring/probe-token.ts): the same answer, not recorded as a refusal.
    if (isUptimeProbe(req, body, env.AUTH_SECRET))
      return jsonError(400, "Missing Stripe-Signature header.", { code: "missing_signature" });
    return refused("missing_signature", "Missing Stripe-Signature header.");
  }
  let parsed: unknown;
  try {
    parsed = verifyStripeWebhook(body, header, env.STRIPE_WEBHOOK_SECRET);
  } catch (err) {
    const reason = stripeFailure(err);
    const message =
      reason === "malformed_body" && err instanceof SyntaxError
        ? "Body is not valid JSON."
        : `Invalid Stripe signature: ${(err as Error).message.split("\n")[0]}`;
    return refused(reason, message);
  }
  const ahead = secondsAhead(header);
  if (ahead > SIGNATURE_TOLERANCE_SECONDS)
    return refused(
      "future_timestamp",
      `Invalid Stripe signature: the Stripe-Signature timestamp is ${ahead} s in the future, outside the ${SIGNATURE_TOLERANCE_SECONDS} s tolerance (check this server's clock).`,
    );
  const nul = findNul(parsed);
  if (nul) return refused("invalid_event", `Not a Stripe event: ${nul}.`);
  const envelope = stripeEnvelope.safeParse(parsed);
  if (!envelope.success) {
    return refused("invalid_event", `Not a Stripe event: ${formatIssues(envelope.error, { root: "body" })}`);
  }
  const event = envelope.data;
  const handled = hasHandler("stripe", event.type);
  const stored = await storeEvent(await getDb(), {
    source: "stripe",
    externalId: event.id,
    type: event.type,
    rawBody: body,
    occurredAt: new Date(event.created * 1000),
    status: handled ? "received" : "ignored",
    // The customer's serialisation key, from the event already parsed (no second parse on the hot path).
    customerKey: handled ? customerKeyOfPayload("stripe", event.type, parsed) : null,
  });
  annotate({ [TRACE_ATTR.eventId]: stored.id, [TRACE_ATTR.correlationId]: stored.correlationId });
  log.info("webhook.stripe", {
    eventId: stored.id,
    stripeEventId: event.id,
    type: event.type,
    duplicate: stored.duplicate,
    correlationId: stored.correlationId,
  });
  if (stored.duplicate) return jsonOk({ received: true, duplicate: true, id: stored.id });
  if (handled)
    await enqueueEvent({
      id: stored.id,
      source: "stripe",
      type: event.type,
      rawBody: body,
      customerKey: stored.customerKey,
    });
  return jsonOk({ received: true, id: stored.id, ...(handled ? {} : { ignored: true }) });
}

export const POST = tracedRoute("/api/webhooks/stripe", handleStripeWebhook);
