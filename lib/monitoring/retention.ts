// Data hygiene: after the retention period (PAYLOAD_RETENTION_DAYS), every copy of a customer's data the
// pipeline kept is removed: raw payloads, step outputs (a resolved customer's email and name), support tickets'
// copies of the request (email, subject, context) and the texts of resolved alerts. The event's type, outcome,
// steps and references, the ticket's reference and the alert's kind and times stay for the console. Refused
// deliveries (rejected_deliveries) older than the same period are deleted.
import type { Db } from "@/db";
import { redactResolvedAlertsBefore } from "@/db/queries/alerts";
import { redactPayloadsBefore } from "@/db/queries/event-processing";
import { redactStepOutputsBefore } from "@/db/queries/event-steps";
import { redactTicketsBefore } from "@/db/queries/support-tickets";
import { deleteRejectedDeliveriesBefore } from "@/db/queries/rejected-deliveries";

const cutoff = (days: number, now: Date) => new Date(now.getTime() - days * 86_400_000);

export async function redactOldPayloads(db: Db, days: number, now = new Date(), batch = 5_000): Promise<number> {
  return redactPayloadsBefore(db, cutoff(days, now), now, batch);
}

export type RetentionCounts = {
  payloads: number;
  stepOutputs: number;
  tickets: number;
  alerts: number;
  rejectedDeliveries: number;
};

/** One retention pass (each kind at most `batch` rows; the minute tick catches up on a backlog). */
export async function applyRetention(db: Db, days: number, now = new Date(), batch = 5_000): Promise<RetentionCounts> {
  const before = cutoff(days, now);
  return {
    payloads: await redactPayloadsBefore(db, before, now, batch),
    stepOutputs: await redactStepOutputsBefore(db, before, batch),
    tickets: await redactTicketsBefore(db, before, now, batch),
    alerts: await redactResolvedAlertsBefore(db, before, now, batch),
    rejectedDeliveries: await deleteRejectedDeliveriesBefore(db, before, batch),
  };
}
