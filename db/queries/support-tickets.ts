// Support tickets: our reference (handed out at ingest, the same for every retry of one request), the
// Zendesk ticket made for it later, and the context copied onto it.
import { randomBytes } from "node:crypto";
import { and, desc, eq, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { type Customer, type SupportTicket, supportTickets } from "@/db/schema";

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
  return (await ticketByRequestId(db, input.requestId))!.reference;
}

export async function ticketByRequestId(db: Db, requestId: string): Promise<SupportTicket | undefined> {
  const [row] = await db.select().from(supportTickets).where(eq(supportTickets.requestId, requestId)).limit(1);
  return row;
}

/** Records the Zendesk ticket made for a request, with the customer and the context an agent sees. */
export async function attachZendeskTicket(
  db: Db,
  requestId: string,
  input: { zendeskTicketId: number; customerId: string; metadata: Record<string, unknown> },
): Promise<void> {
  await db
    .update(supportTickets)
    .set({ ...input, updatedAt: new Date() })
    .where(eq(supportTickets.requestId, requestId));
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
    .where(
      or(
        eq(supportTickets.customerId, customer.id),
        and(isNull(supportTickets.customerId), eq(supportTickets.appUserId, customer.appUserId)),
      ),
    )
    .orderBy(desc(supportTickets.createdAt))
    .limit(50);
}

export type CustomerTicket = Awaited<ReturnType<typeof listCustomerTickets>>[number];

/**
 * Retention: removes the copies of a support request kept on tickets made before `before` (the requester's
 * email, the subject and the context), at most `batch` a call; the reference, the app user id, the customer and
 * the Zendesk ticket id stay. Answers how many tickets were cleared.
 */
export async function redactTicketsBefore(db: Db, before: Date, now: Date, batch: number): Promise<number> {
  const old = db
    .select({ id: supportTickets.id })
    .from(supportTickets)
    .where(
      and(
        lt(supportTickets.createdAt, before),
        or(isNotNull(supportTickets.email), isNotNull(supportTickets.subject), isNotNull(supportTickets.metadata)),
      ),
    )
    .limit(batch);
  const rows = await db
    .update(supportTickets)
    .set({ email: null, subject: null, metadata: null, updatedAt: now })
    .where(sql`${supportTickets.id} in (${old})`)
    .returning({ id: supportTickets.id });
  return rows.length;
}
