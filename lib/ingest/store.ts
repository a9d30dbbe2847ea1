// Store-once: the events row is the outbox; a duplicate delivery finds the existing row and stops.
import { randomBytes, randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { events, supportTickets, type EventStatus } from "@/db/schema";

export type StoreInput = {
  source: "stripe" | "app";
  externalId: string;
  type: string;
  rawBody: string;
  occurredAt: Date | null;
  status?: EventStatus;
  correlationId?: string;
};

export type Stored = { id: string; duplicate: boolean; status: EventStatus; correlationId: string };

export async function storeEvent(db: Db, input: StoreInput): Promise<Stored> {
  const correlationId = input.correlationId ?? `cor_${randomUUID().replace(/-/g, "").slice(0, 20)}`;
  const [inserted] = await db
    .insert(events)
    .values({ ...input, status: input.status ?? "received", correlationId })
    .onConflictDoNothing({ target: [events.source, events.externalId] })
    .returning({ id: events.id, status: events.status, correlationId: events.correlationId });
  if (inserted) return { ...inserted, duplicate: false };
  const [existing] = await db
    .select({ id: events.id, status: events.status, correlationId: events.correlationId })
    .from(events)
    .where(and(eq(events.source, input.source), eq(events.externalId, input.externalId)))
    .limit(1);
  return { ...existing!, duplicate: true };
}

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O/1/I: read aloud over the phone

export function newTicketReference(): string {
  const bytes = randomBytes(8);
  return `SUP-${Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join("")}`;
}

/** One reference per client request id, however often the phone retries (even as new event ids). */
export async function reserveTicketReference(
  db: Db,
  input: { requestId: string; eventId: string; appUserId: string; email: string; subject: string },
): Promise<string> {
  await db
    .insert(supportTickets)
    .values({ ...input, reference: newTicketReference() })
    .onConflictDoNothing({ target: supportTickets.requestId });
  const [row] = await db
    .select({ reference: supportTickets.reference })
    .from(supportTickets)
    .where(eq(supportTickets.requestId, input.requestId))
    .limit(1);
  return row!.reference;
}
