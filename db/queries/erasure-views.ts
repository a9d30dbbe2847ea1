// Reads of erasures: the erasure's page (steps, receipt, its event's state), the list, a customer's tombstone.
import { count, desc, eq, getTableColumns } from "drizzle-orm";
import type { Db } from "@/db";
import {
  erasures,
  events,
  eventSteps,
  type Erasure,
  type ErasureReceiptLine,
  type Event,
  type EventStep,
} from "@/db/schema";

export type ErasureStatusView = "running" | "completed" | "failed";
export type ErasureView = {
  erasure: Erasure;
  /** `failed` while its event is failed (a step to fix and replay), else the erasure's own status. */
  status: ErasureStatusView;
  steps: Pick<EventStep, "step" | "status" | "attempts" | "lastError" | "externalRef" | "startedAt" | "finishedAt">[];
  receipt: ErasureReceiptLine[];
  event: Pick<Event, "id" | "status" | "lastError" | "failedStep" | "receivedAt" | "processedAt" | "attempts"> | null;
};

const statusOf = (erasure: Erasure, eventStatus: string | null | undefined): ErasureStatusView =>
  erasure.status === "completed" ? "completed" : eventStatus === "failed" ? "failed" : erasure.status;

const eventView = {
  id: events.id,
  status: events.status,
  lastError: events.lastError,
  failedStep: events.failedStep,
  receivedAt: events.receivedAt,
  processedAt: events.processedAt,
  attempts: events.attempts,
};

const STEP_ORDER = ["erase-crm", "erase-support", "erase-billing", "erase-records"];

export async function getErasure(db: Db, id: string): Promise<ErasureView | undefined> {
  const [row] = await db
    .select({ erasure: erasures, event: eventView })
    .from(erasures)
    .leftJoin(events, eq(events.id, erasures.eventId))
    .where(eq(erasures.id, id))
    .limit(1);
  if (!row) return undefined;
  const steps = row.erasure.eventId
    ? await db
        .select({
          step: eventSteps.step,
          status: eventSteps.status,
          attempts: eventSteps.attempts,
          lastError: eventSteps.lastError,
          externalRef: eventSteps.externalRef,
          startedAt: eventSteps.startedAt,
          finishedAt: eventSteps.finishedAt,
        })
        .from(eventSteps)
        .where(eq(eventSteps.eventId, row.erasure.eventId))
    : [];
  steps.sort((a, b) => STEP_ORDER.indexOf(a.step) - STEP_ORDER.indexOf(b.step));
  return {
    erasure: row.erasure,
    status: statusOf(row.erasure, row.event?.status),
    steps,
    receipt: row.erasure.receipt,
    event: row.event,
  };
}

export type ErasureListRow = Erasure & { statusView: ErasureStatusView; eventStatus: string | null };

/** Erasures, newest first. */
export async function listErasures(
  db: Db,
  p: { limit?: number; offset?: number } = {},
): Promise<{ rows: ErasureListRow[]; total: number }> {
  const rows = await db
    .select({ ...getTableColumns(erasures), eventStatus: events.status })
    .from(erasures)
    .leftJoin(events, eq(events.id, erasures.eventId))
    .orderBy(desc(erasures.requestedAt), desc(erasures.id))
    .limit(Math.min(Math.max(p.limit ?? 50, 1), 500))
    .offset(Math.max(p.offset ?? 0, 0));
  const [total] = await db.select({ n: count() }).from(erasures);
  return { rows: rows.map((r) => ({ ...r, statusView: statusOf(r, r.eventStatus) })), total: total?.n ?? 0 };
}

/** The latest erasure of a customer (its tombstone), if any. */
export async function erasureForCustomer(db: Db, customerId: string): Promise<ErasureView | undefined> {
  const [row] = await db
    .select({ id: erasures.id })
    .from(erasures)
    .where(eq(erasures.customerId, customerId))
    .orderBy(desc(erasures.requestedAt))
    .limit(1);
  return row ? getErasure(db, row.id) : undefined;
}
