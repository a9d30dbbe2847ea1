// Stripe webhooks: read raw body (capped) → verify signature → validate → store once → enqueue → 200.
import { z } from "zod";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { webhookPrelude } from "@/lib/ingest/prelude";
import { storeEvent } from "@/lib/ingest/store";
import { findNul } from "@/lib/ingest/nul";
import { formatIssues } from "@/lib/schemas/issues";
import { jsonError, jsonOk } from "@/lib/ingest/respond";
import { verifyStripeWebhook } from "@/lib/integrations/stripe/client";
import { hasHandler } from "@/lib/pipeline/engine/registry";
import { enqueueEvent } from "@/lib/jobs";

const stripeEnvelope = z.object({
  id: z.string().regex(/^evt_/, "must be a Stripe event id (evt_…)"),
  type: z.string().min(1),
  created: z.number().int().positive(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export async function POST(req: Request) {
  const prelude = await webhookPrelude(req);
  if (!prelude.ok) return prelude.response;
  const { body } = prelude;
  const header = req.headers.get("stripe-signature");
  if (!header) return jsonError(400, "Missing Stripe-Signature header.");
  let parsed: unknown;
  try {
    parsed = verifyStripeWebhook(body, header, env.STRIPE_WEBHOOK_SECRET);
  } catch (err) {
    const message =
      err instanceof SyntaxError
        ? "Body is not valid JSON."
        : `Invalid Stripe signature: ${(err as Error).message.split("\n")[0]}`;
    return jsonError(400, message);
  }
  const nul = findNul(parsed);
  if (nul) return jsonError(400, `Not a Stripe event: ${nul}.`);
  const envelope = stripeEnvelope.safeParse(parsed);
  if (!envelope.success) {
    return jsonError(400, `Not a Stripe event: ${formatIssues(envelope.error, { root: "body" })}`);
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
  });
  log.info("webhook.stripe", {
    eventId: stored.id,
    stripeEventId: event.id,
    type: event.type,
    duplicate: stored.duplicate,
    correlationId: stored.correlationId,
  });
  if (stored.duplicate) return jsonOk({ received: true, duplicate: true, id: stored.id });
  if (handled) await enqueueEvent({ id: stored.id, source: "stripe", type: event.type, rawBody: body });
  return jsonOk({ received: true, id: stored.id, ...(handled ? {} : { ignored: true }) });
}
