// What the support tools' webhook routes (Zendesk, Intercom) do once the signature is verified: JSON, no NUL
// bytes, the tool's schema (each bad field named), store once under the tool's own event id, enqueue what a
// handler processes (the rest is stored `ignored`), answer. Every refusal is recorded and answered `{ error, code }`.
import { getDb } from "@/db";
import { log } from "@/lib/log";
import { enqueueEvent } from "@/lib/jobs";
import { customerKeyOfPayload } from "@/lib/pipeline/engine/registry";
import { findNul } from "./nul";
import { refuse } from "./rejections";
import { jsonOk } from "./respond";
import { storeEvent } from "./store";

/** The fields a route's parser reads out of a valid body. */
export type VerifiedEvent = { known: boolean; externalId: string; type: string; occurredAt: Date };
export type Parsed = { ok: true; value: VerifiedEvent } | { ok: false; error: string };

export async function acceptVerified(
  req: Request,
  source: "zendesk" | "intercom",
  body: string,
  parse: (json: unknown) => Parsed,
): Promise<Response> {
  const refusal = (reason: "malformed_body" | "invalid_event", message: string) =>
    refuse(req, { route: source, reason, status: 400, body }, message);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return refusal("malformed_body", "Body is not valid JSON.");
  }
  const nul = findNul(json);
  if (nul) return refusal("invalid_event", `Invalid event: ${nul}.`);
  const parsed = parse(json);
  if (!parsed.ok) return refusal("invalid_event", `Invalid event: ${parsed.error}`);
  const { known, externalId, type, occurredAt } = parsed.value;
  const stored = await storeEvent(await getDb(), {
    source,
    externalId,
    type,
    rawBody: body,
    occurredAt,
    status: known ? "received" : "ignored",
    // The serialisation key from the body parsed above: the store and the enqueue need no second parse.
    customerKey: known ? customerKeyOfPayload(source, type, json) : null,
  });
  log.info(`webhook.${source}`, {
    eventId: stored.id,
    type,
    duplicate: stored.duplicate,
    correlationId: stored.correlationId,
  });
  const answer = { received: true, id: stored.id };
  if (stored.duplicate) return jsonOk({ ...answer, duplicate: true });
  if (known) await enqueueEvent({ id: stored.id, source, type, rawBody: body, customerKey: stored.customerKey });
  return jsonOk(known ? answer : { ...answer, ignored: true });
}
