// Data hygiene: raw payloads older than the retention period are redacted; the event's type, outcome,
// steps and references stay for the console.
import type { Db } from "@/db";
import { redactPayloadsBefore } from "@/db/queries/event-processing";

export async function redactOldPayloads(db: Db, days: number, now = new Date(), batch = 5_000): Promise<number> {
  return redactPayloadsBefore(db, new Date(now.getTime() - days * 86_400_000), now, batch);
}
