// Erasures (issue 19): the erasure row and its receipt, the hashed identifiers that keep an erased person from
// coming back, and `eraseOwnRecords`, the one transaction that reduces our own tables to a tombstone. The reads
// behind the erasure's page and the admin API: ./erasure-views.ts; the guard's lookups of erased identifiers:
// ./erased-subjects.ts.
import { and, desc, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import { type Db, inTransaction } from "@/db";
import {
  alerts,
  auditLog,
  customers,
  driftFindings,
  entitlements,
  erasures,
  events,
  eventSteps,
  identities,
  recoveryActions,
  supportTickets,
  type Erasure,
  type ErasureReceiptLine,
  type StepAttempt,
} from "@/db/schema";
import type { ErasureSubject } from "@/lib/erasure/subjects";
import { scrubberFor } from "@/lib/erasure/scrub";

// ---- The subject and the erasure row ----

/** Who the app user id is in our records: the customer and every external id, read before anything is deleted. */
export async function erasureSubjectOf(db: Db, appUserId: string): Promise<ErasureSubject> {
  const [customer] = await db.select().from(customers).where(eq(customers.appUserId, appUserId)).limit(1);
  const subject: ErasureSubject = {
    appUserId,
    customerId: customer?.id ?? null,
    email: customer?.email ?? null,
    name: customer?.name ?? null,
    stripe: null,
    hubspot: null,
    zendesk: null,
    intercom: null,
  };
  if (!customer) return subject;
  const links = await db.select().from(identities).where(eq(identities.customerId, customer.id));
  for (const link of links) if (link.system !== "app") subject[link.system] = link.externalId;
  return subject;
}

export type NewErasureRow = {
  eventId: string;
  subjectHash: string;
  customerId: string | null;
  requestedBy: string;
  reason?: string | null;
  stripeCancel: "now" | "period_end";
};

/** The erasure of this event, made if it does not exist yet (a retry or replay finds the one it started). */
export async function ensureErasure(db: Db, row: NewErasureRow): Promise<Erasure> {
  await db.insert(erasures).values(row).onConflictDoNothing({ target: erasures.eventId });
  const found = await erasureByEventId(db, row.eventId);
  if (!found) throw new Error(`the erasure of event ${row.eventId} was neither inserted nor found`);
  return found;
}

export async function erasureByEventId(db: Db, eventId: string): Promise<Erasure | undefined> {
  const [row] = await db.select().from(erasures).where(eq(erasures.eventId, eventId)).limit(1);
  return row;
}

/** The latest erasure of a subject (by the hash of its app user id). */
export async function latestErasureOfSubject(db: Db, subjectHash: string): Promise<Erasure | undefined> {
  const [row] = await db
    .select()
    .from(erasures)
    .where(eq(erasures.subjectHash, subjectHash))
    .orderBy(desc(erasures.requestedAt))
    .limit(1);
  return row;
}

/** Sets the erasure's receipt line of `line.system` (replacing an earlier one: a replayed step writes it again). */
export async function setReceiptLine(db: Db, erasureId: string, line: ErasureReceiptLine): Promise<void> {
  await db
    .update(erasures)
    .set({
      receipt: sql`(select coalesce(jsonb_agg(x), '[]'::jsonb) from jsonb_array_elements(${erasures.receipt}) x where x->>'system' <> ${line.system}) || jsonb_build_array(${JSON.stringify(line)}::jsonb)`,
      updatedAt: new Date(),
    })
    .where(eq(erasures.id, erasureId));
}

/** Writes the console's erasure request: the user.deleted event (the outbox row) and its erasure, in `tx`. */
export async function insertErasureRequest(
  tx: Db,
  e: { externalId: string; rawBody: string; correlationId: string; customerKey: string; occurredAt: Date },
  row: Omit<NewErasureRow, "eventId">,
): Promise<{ eventId: string; erasureId: string }> {
  const [event] = await tx
    .insert(events)
    .values({ source: "app", type: "user.deleted", status: "received", customerId: row.customerId, ...e })
    .returning({ id: events.id });
  const [erasure] = await tx
    .insert(erasures)
    .values({ ...row, eventId: event!.id })
    .returning({ id: erasures.id });
  return { eventId: event!.id, erasureId: erasure!.id };
}

/** Locks the customer row until the transaction ends: two erasure requests for one person queue up. */
export async function lockCustomer(tx: Db, customerId: string): Promise<void> {
  await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, customerId)).for("update");
}

// ---- Our own records ----

export type OwnRecordsErased = {
  events: number;
  tickets: number;
  alerts: number;
  auditEntries: number;
  steps: number;
};

/**
 * Our own tables, in one transaction: the customer becomes a tombstone, its identities, entitlement and drift
 * findings are deleted, every event of the person is redacted (payload, step outputs, the person's words in
 * error texts), tickets' copies cleared, alert and audit texts naming them scrubbed; then the erasure completes
 * with its receipt line. The erasure's own event keeps a payload naming only the tombstone (it stays replayable).
 */
export async function eraseOwnRecords(
  db: Db,
  input: {
    erasure: Erasure;
    subject: ErasureSubject;
    tombstoneAppUserId: string;
    ownEventId: string;
    ownRawBody: string;
    line: (done: OwnRecordsErased) => ErasureReceiptLine;
    now: Date;
  },
): Promise<OwnRecordsErased> {
  const { subject: s, now } = input;
  const scrub = scrubberFor([s.email, s.name, s.appUserId]);
  return inTransaction(db, async (tx) => {
    const cid = s.customerId;
    if (cid) {
      await tx
        .update(customers)
        .set({
          appUserId: input.tombstoneAppUserId,
          email: null,
          name: null,
          emailVerified: null,
          pendingClaimAppUserId: null,
          pendingClaimAt: null,
          erasedAt: now,
          erasedBy: input.erasure.requestedBy,
          updatedAt: now,
        })
        .where(eq(customers.id, cid));
      await tx.delete(identities).where(eq(identities.customerId, cid));
      // No one is left to grant access to; the row would keep the Stripe subscription and payment ids.
      await tx.delete(entitlements).where(eq(entitlements.customerId, cid));
      await tx.delete(driftFindings).where(eq(driftFindings.customerId, cid));
      await tx.update(recoveryActions).set({ result: null, error: null }).where(eq(recoveryActions.customerId, cid));
    }
    // A payer waiting for this app user's claim keeps waiting for nobody: the claim goes.
    await tx
      .update(customers)
      .set({ pendingClaimAppUserId: null, pendingClaimAt: null, updatedAt: now })
      .where(eq(customers.pendingClaimAppUserId, s.appUserId));

    const tickets = await tx
      .update(supportTickets)
      .set({ email: null, subject: null, metadata: null, appUserId: null, updatedAt: now })
      .where(
        cid
          ? or(eq(supportTickets.customerId, cid), eq(supportTickets.appUserId, s.appUserId))
          : eq(supportTickets.appUserId, s.appUserId),
      )
      .returning({ eventId: supportTickets.eventId });

    const keys = [`app:${s.appUserId}`, ...(s.stripe ? [`stripe:${s.stripe}`] : [])];
    const ticketEvents = tickets.flatMap((t) => (t.eventId ? [t.eventId] : []));
    const theirs = await tx
      .select({ id: events.id, lastError: events.lastError })
      .from(events)
      .where(
        or(
          cid ? eq(events.customerId, cid) : undefined,
          inArray(events.customerKey, keys),
          ticketEvents.length ? inArray(events.id, ticketEvents) : undefined,
        ),
      );
    const others = theirs.filter((e) => e.id !== input.ownEventId);
    const otherIds = others.map((e) => e.id);
    if (otherIds.length) {
      await tx
        .update(events)
        .set({ rawBody: null, redactedAt: now, customerKey: null, updatedAt: now })
        .where(inArray(events.id, otherIds));
      await tx.update(eventSteps).set({ output: null }).where(inArray(eventSteps.eventId, otherIds));
      for (const e of others.filter((x) => scrub.names(x.lastError)))
        await tx
          .update(events)
          .set({ lastError: scrub.text(e.lastError) })
          .where(eq(events.id, e.id));
    }
    await tx
      .update(events)
      .set({ rawBody: input.ownRawBody, redactedAt: now, customerKey: null })
      .where(eq(events.id, input.ownEventId));

    // Error texts and the attempt log of every step of these events (the erasure's own included).
    const stepRows = await tx
      .select({
        id: eventSteps.id,
        lastError: eventSteps.lastError,
        errorMessage: eventSteps.errorMessage,
        externalRef: eventSteps.externalRef,
        attemptLog: eventSteps.attemptLog,
      })
      .from(eventSteps)
      .where(inArray(eventSteps.eventId, [...otherIds, input.ownEventId]));
    let steps = 0;
    for (const r of stepRows) {
      const named =
        scrub.names(r.lastError) ||
        scrub.names(r.errorMessage) ||
        scrub.names(r.externalRef) ||
        r.attemptLog.some((a) => scrub.names(a.error));
      if (!named) continue;
      steps++;
      await tx
        .update(eventSteps)
        .set({
          lastError: scrub.text(r.lastError),
          errorMessage: scrub.text(r.errorMessage),
          // resolve-identity's reference is the app user id.
          externalRef: scrub.text(r.externalRef),
          attemptLog: r.attemptLog.map((a): StepAttempt => (a.error ? { ...a, error: scrub.text(a.error) } : a)),
        })
        .where(eq(eventSteps.id, r.id));
    }

    const alertsDone = await scrubAlerts(tx, cid, scrub, now);
    const auditEntries = await scrubAudit(tx, s.appUserId, scrub);

    const done = { events: otherIds.length, tickets: tickets.length, alerts: alertsDone, auditEntries, steps };
    await setReceiptLine(tx, input.erasure.id, input.line(done));
    await tx
      .update(erasures)
      .set({
        status: "completed",
        completedAt: now,
        customerId: cid,
        reason: scrub.text(input.erasure.reason),
        updatedAt: now,
      })
      .where(eq(erasures.id, input.erasure.id));
    return done;
  });
}

type Scrub = ReturnType<typeof scrubberFor>;

/** A like-pattern per term, for a first cut in the database (case-insensitive). */
const likeAny = (column: unknown, terms: string[]) =>
  terms.map((t) => sql`${column}::text ilike ${`%${t.replace(/[\\%_]/g, "\\$&")}%`}`);

/** Alerts of the customer, or whose texts name the person: title and message scrubbed, details scrubbed. */
async function scrubAlerts(tx: Db, cid: string | null, scrub: Scrub, now: Date): Promise<number> {
  const conditions = [
    ...(cid ? [eq(alerts.customerId, cid)] : []),
    ...likeAny(alerts.title, scrub.terms),
    ...likeAny(alerts.message, scrub.terms),
    ...likeAny(alerts.details, scrub.terms),
  ];
  if (!conditions.length) return 0;
  const rows = await tx
    .select({ id: alerts.id, title: alerts.title, message: alerts.message, details: alerts.details })
    .from(alerts)
    .where(or(...conditions));
  for (const a of rows)
    await tx
      .update(alerts)
      .set({
        title: scrub.text(a.title) ?? a.title,
        message: scrub.text(a.message),
        details: a.details == null ? null : scrub.json(a.details),
        updatedAt: now,
      })
      .where(eq(alerts.id, a.id));
  return rows.length;
}

/** Audit entries whose details or target name the person: the person's words become "[erased]". */
async function scrubAudit(tx: Db, appUserId: string, scrub: Scrub): Promise<number> {
  if (!scrub.terms.length) return 0;
  const rows = await tx
    .select({ id: auditLog.id, details: auditLog.details, targetId: auditLog.targetId })
    .from(auditLog)
    .where(
      or(
        eq(auditLog.targetId, appUserId),
        and(isNotNull(auditLog.details), or(...likeAny(auditLog.details, scrub.terms))),
      ),
    );
  for (const r of rows)
    await tx
      .update(auditLog)
      .set({ details: r.details == null ? null : scrub.json(r.details), targetId: scrub.text(r.targetId) })
      .where(eq(auditLog.id, r.id));
  return rows.length;
}

export { erasedHashesAmong, erasureHoldingAny, recordErasedSubjects } from "./erased-subjects";
export {
  type ErasureListRow,
  type ErasureStatusView,
  type ErasureView,
  erasureForCustomer,
  getErasure,
  listErasures,
} from "./erasure-views";
