// Support tickets: our reference (handed out at ingest, the same for every retry of one request), the
// Zendesk ticket made for it later, and the context copied onto it.
import { randomBytes } from "node:crypto";
import { and, desc, eq, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db";
import { type Customer, type SupportTicket, type TicketStatus, supportTickets } from "@/db/schema";

/** A ticket just made is open, unless a status webhook got here first. */
const openOnceMade = sql<TicketStatus>`case when ${supportTickets.status} = 'received' then 'open'::ticket_status else ${supportTickets.status} end`;

/** Records the Intercom conversation made for a request (as attachZendeskTicket does for Zendesk). */
export async function attachIntercomConversation(
  db: Db,
  requestId: string,
  input: {
    conversationId: string;
    customerId: string;
    metadata: Record<string, unknown>;
    acknowledgedAt?: Date | null;
  },
): Promise<void> {
  const { conversationId, ...rest } = input;
  await db
    .update(supportTickets)
    .set({
      ...rest,
      intercomConversationId: conversationId,
      provider: "intercom",
      status: openOnceMade,
      updatedAt: new Date(),
    })
    .where(eq(supportTickets.requestId, requestId));
}

export type TicketLocator = { zendeskTicketId: number } | { intercomConversationId: string };

/**
 * Applies a status the support tool reported at `at`, unless a newer one is already held (webhooks come out
 * of order). `changed` is true when the status is now different from before; `ticket` is undefined when the
 * ticket is not one the console made (an agent's own ticket), or was not updated because a newer one was held
 * (then `stale` is true).
 */
export async function applyTicketStatus(
  db: Db,
  where: TicketLocator,
  status: TicketStatus,
  at: Date,
): Promise<{ reference: string | null; customerId: string | null; changed: boolean; stale: boolean }> {
  const match =
    "zendeskTicketId" in where
      ? sql`zendesk_ticket_id = ${where.zendeskTicketId}`
      : sql`intercom_conversation_id = ${where.intercomConversationId}`;
  const [row] = await rowsOf<{
    reference: string;
    customer_id: string | null;
    old_status: TicketStatus;
    updated: boolean;
  }>(
    db.execute(sql`
      with found as (select id, reference, customer_id, status as old_status, status_changed_at from support_tickets
                     where ${match} limit 1 for update),
      upd as (update support_tickets t set status = ${status}::ticket_status, status_changed_at = ${at.toISOString()}::timestamptz,
                updated_at = now()
              from found f where t.id = f.id and (f.status_changed_at is null or f.status_changed_at < ${at.toISOString()}::timestamptz)
              returning t.id)
      select f.reference, f.customer_id, f.old_status, exists(select 1 from upd) as updated from found f`),
  );
  if (!row) return { reference: null, customerId: null, changed: false, stale: false };
  return {
    reference: row.reference,
    customerId: row.customer_id,
    changed: row.updated && row.old_status !== status,
    stale: !row.updated,
  };
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
  input: {
    zendeskTicketId: number;
    customerId: string;
    metadata: Record<string, unknown>;
    acknowledgedAt?: Date | null;
  },
): Promise<void> {
  await db
    .update(supportTickets)
    .set({ ...input, provider: "zendesk", status: openOnceMade, updatedAt: new Date() })
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
      provider: supportTickets.provider,
      intercomConversationId: supportTickets.intercomConversationId,
      status: supportTickets.status,
      statusChangedAt: supportTickets.statusChangedAt,
      acknowledgedAt: supportTickets.acknowledgedAt,
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
