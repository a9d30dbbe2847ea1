// Signed Zendesk webhooks posted to the real route (POST /api/webhooks/zendesk), for integration tests.
import { randomUUID } from "node:crypto";
import { POST as zendeskRoute } from "@/app/api/webhooks/zendesk/route";
import { env } from "@/lib/env";
import { ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER, signZendeskPayload } from "@/lib/ingest/zendesk-signature";
import type { Answer } from "./harness";

/** A `zen:event-type:ticket.status_changed` event as Zendesk sends it (statuses upper case). */
export function zendeskStatusEvent(
  ticketId: number,
  current: string,
  o: { id?: string; time?: string; previous?: string } = {},
) {
  return {
    id: o.id ?? randomUUID(),
    type: "zen:event-type:ticket.status_changed",
    account_id: 90001,
    time: o.time ?? new Date().toISOString(),
    zendesk_event_version: "2022-11-06",
    subject: `zen:ticket:${ticketId}`,
    detail: { id: String(ticketId), status: current, requester_id: "10001", via: { channel: "web_service" } },
    event: { current, previous: o.previous ?? "OPEN" },
  };
}

/** Posts to the route with Zendesk's signature headers (null leaves a header out). */
export async function postZendesk(
  event: Record<string, unknown>,
  o: { secret?: string; signature?: string | null; timestamp?: string | null; body?: string; at?: Date } = {},
): Promise<Answer> {
  const body = o.body ?? JSON.stringify(event);
  const timestamp = o.timestamp === undefined ? `${(o.at ?? new Date()).toISOString().slice(0, 19)}Z` : o.timestamp;
  const signature =
    o.signature === undefined
      ? signZendeskPayload(body, o.secret ?? env.ZENDESK_WEBHOOK_SECRET, timestamp ?? "")
      : o.signature;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature !== null) headers[ZENDESK_SIGNATURE_HEADER] = signature;
  if (timestamp !== null) headers[ZENDESK_TIMESTAMP_HEADER] = timestamp;
  const res = await zendeskRoute(
    new Request("http://127.0.0.1/api/webhooks/zendesk", { method: "POST", body, headers }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
