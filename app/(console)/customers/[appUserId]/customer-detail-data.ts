// What the customer page reads beyond the identity: tickets, alerts, and the last outcome of each
// system's sync step (so a system can show "failed" with the service's message, not just "linked").
import "server-only";
import { and, desc, eq, inArray, isNull, or } from "drizzle-orm";
import type { Db } from "@/db";
import { alerts, events, eventSteps, supportTickets, type Customer, type StepStatus } from "@/db/schema";

/** The pipeline step that writes to each downstream system. */
export const SYNC_STEP = { stripe: "update-entitlement", hubspot: "sync-crm", zendesk: "create-ticket" } as const;
export type SyncedSystem = keyof typeof SYNC_STEP;
export type LastSync = { status: StepStatus; at: Date; error: string | null; errorStatus: number | null; eventId: string };

/** The latest run of each system's step among this customer's events. */
export async function lastSyncBySystem(db: Db, customerId: string): Promise<Partial<Record<SyncedSystem, LastSync>>> {
  const steps = Object.values(SYNC_STEP);
  const rows = await db
    .selectDistinctOn([eventSteps.step], {
      step: eventSteps.step,
      status: eventSteps.status,
      error: eventSteps.lastError,
      errorStatus: eventSteps.errorStatus,
      at: eventSteps.updatedAt,
      eventId: eventSteps.eventId,
    })
    .from(eventSteps)
    .innerJoin(events, eq(events.id, eventSteps.eventId))
    .where(and(eq(events.customerId, customerId), inArray(eventSteps.step, steps)))
    .orderBy(eventSteps.step, desc(eventSteps.updatedAt));
  const out: Partial<Record<SyncedSystem, LastSync>> = {};
  for (const [system, step] of Object.entries(SYNC_STEP) as [SyncedSystem, string][]) {
    const row = rows.find((r) => r.step === step);
    if (row) out[system] = { status: row.status, at: row.at, error: row.error, errorStatus: row.errorStatus, eventId: row.eventId };
  }
  return out;
}

/** Support requests of the customer, including ones whose Zendesk ticket is not made yet. */
export async function listCustomerTickets(db: Db, customer: Pick<Customer, "id" | "appUserId">) {
  return db
    .select({
      id: supportTickets.id,
      reference: supportTickets.reference,
      subject: supportTickets.subject,
      zendeskTicketId: supportTickets.zendeskTicketId,
      eventId: supportTickets.eventId,
      createdAt: supportTickets.createdAt,
    })
    .from(supportTickets)
    .where(or(eq(supportTickets.customerId, customer.id), and(isNull(supportTickets.customerId), eq(supportTickets.appUserId, customer.appUserId))))
    .orderBy(desc(supportTickets.createdAt))
    .limit(50);
}

export type CustomerTicket = Awaited<ReturnType<typeof listCustomerTickets>>[number];

/** Billing and ops alerts raised for the customer, newest first. */
export async function listCustomerAlerts(db: Db, customerId: string) {
  return db
    .select({
      id: alerts.id,
      kind: alerts.kind,
      status: alerts.status,
      severity: alerts.severity,
      title: alerts.title,
      message: alerts.message,
      eventId: alerts.eventId,
      openedAt: alerts.openedAt,
      resolvedAt: alerts.resolvedAt,
    })
    .from(alerts)
    .where(eq(alerts.customerId, customerId))
    .orderBy(desc(alerts.openedAt))
    .limit(50);
}

export type CustomerAlert = Awaited<ReturnType<typeof listCustomerAlerts>>[number];
