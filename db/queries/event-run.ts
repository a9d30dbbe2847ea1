// One event's run on the events table (the engine's statements): the claim, in the customer's order across
// instances; the lease's heartbeat; the outcome with the steps that ended, the customer and the links.
import { and, eq, getTableColumns, or, type SQL, sql } from "drizzle-orm";
import { type Db, executePrepared } from "@/db";
import { type Event, type EventStatus, events } from "@/db/schema";

/** A step's row as the claim reads it: whether an earlier run finished it, and what it left for later steps. */
export type ClaimedStep = { step: string; status: string; output: unknown };
export type ClaimedEvent = Event & { steps: ClaimedStep[] };

// One customer's events run one at a time and in the order received, across every instance: an event is
// claimed only when no other event of its customer is `processing` with a live lease, and none received
// before it (by received_at, then id: one group insert gives its rows one received_at) is still `received`.
// An earlier event that failed does not block (a failure must never wedge the customer's later events), nor
// does one whose holder died (`processing` past its lease). "Its customer" is its `customer_key` (`app:<user
// id>`, `stripe:<customer id>`, stored at ingest) and, once those ids are linked to one customer, that
// customer's other key: the app user's events and its Stripe customer's events queue together. Rows without a
// key (rows stored before it was kept) are never held. `me` is the event being claimed or finished.
const SAME_CUSTOMER = sql.raw(`o.customer_key is not null and o.id <> me.id
  and o.customer_key = any(array[me.customer_key] || array(
    select i2.system::text || ':' || i2.external_id from identities i1
    join identities i2 on i2.customer_id = i1.customer_id and i2.system in ('app', 'stripe')
    where i1.system = (case when me.customer_key like 'app:%' then 'app' when me.customer_key like 'stripe:%' then 'stripe' end)::identity_system
      and i1.external_id = substr(me.customer_key, position(':' in me.customer_key) + 1)))`);

/**
 * An event's place in its customer's line: received first; rows stored together (one group insert, a backfill
 * page) by when the source says they happened; then by id, so two events never wait for each other.
 */
const IN_LINE = (e: "o" | "me") => sql.raw(`${e}.received_at, coalesce(${e}.occurred_at, ${e}.received_at), ${e}.id`);

/**
 * Whether event `id` must wait for another event of its customer (one boolean; see SAME_CUSTOMER). `offset 0`
 * keeps it one subquery: pulled up, PostgreSQL planned and ran the whole check once per `gate.blocked` the
 * claim reads (seven copies: ~2x the claim's planning and execution time, measured with EXPLAIN ANALYZE).
 */
const WAITS_FOR_EARLIER = (id: SQL, staleBefore: SQL) => sql`(select exists (
    select 1 from events me join events o on ${SAME_CUSTOMER}
    where me.id = ${id} and me.customer_key is not null and o.status in ('received', 'processing')
      and ((o.status = 'processing' and o.updated_at >= ${staleBefore})
        or (o.status = 'received' and (${IN_LINE("o")}) < (${IN_LINE("me")})))
  ) as blocked offset 0) as gate`;

// The claim runs once per event: prepared once per database and process (the query is built by drizzle only
// then), with the order check and the event's step rows in the same statement, so a claim is one round trip
// and one commit. A claim that must wait changes nothing but `updated_at` (the Inngest sweeper's sign that
// the event was tried and held back), and answers `blocked`.
const claimStatements = new WeakMap<Db, ReturnType<typeof prepareClaim>>();
function prepareClaim(db: Db) {
  const held = sql.raw("gate.blocked");
  return db
    .update(events)
    .set({
      status: sql`case when ${held} then ${events.status} else 'processing'::event_status end`,
      attempts: sql`case when ${held} then ${events.attempts} else ${events.attempts} + 1 end`,
      // A held stale `processing` row keeps its old lease (a bump would make a dead holder look alive).
      updatedAt: sql`case when ${held} and ${events.status} = 'processing' then ${events.updatedAt} else now() end`,
      lastError: sql`case when ${held} then ${events.lastError} end`,
      failedStep: sql`case when ${held} then ${events.failedStep} end`,
    })
    .from(WAITS_FOR_EARLIER(sql`${sql.placeholder("id")}::uuid`, sql`${sql.placeholder("staleBefore")}::timestamptz`))
    .where(
      and(
        eq(events.id, sql.placeholder("id")),
        or(
          sql`${events.status} = any(${sql.placeholder("claimable")}::event_status[])`,
          and(
            eq(events.status, "processing"),
            sql`${events.updatedAt} < ${sql.placeholder("staleBefore")}::timestamptz`,
          ),
        ),
      ),
    )
    .returning({
      ...getTableColumns(events),
      blocked: sql<boolean>`gate.blocked`,
      // Spelled out: drizzle writes an update's own columns unqualified, and `id` would be the step row's.
      steps: sql<
        ClaimedStep[] | string | null
      >`(select json_agg(json_build_object('step', s.step, 'status', s.status, 'output', s.output)) from event_steps s where s.event_id = "events"."id")`,
    })
    .prepare("claim_event");
}

/** What a claim found: the event (now ours), an event that must wait for an earlier one of its customer, or nothing to do. */
export type ClaimResult = { claimed: ClaimedEvent } | { waiting: true } | undefined;

/**
 * Moves the event to `processing` if its status is one of `claimable`, or it is stuck in `processing` with
 * no heartbeat since `staleBefore`, unless an earlier event of its customer has to run first (`waiting`).
 * Answers undefined when someone else has it or it is done. Its `attempts` is the claim's fencing token.
 */
export async function claimEventInOrder(
  db: Db,
  eventId: string,
  claimable: EventStatus[],
  staleBefore: Date,
): Promise<ClaimResult> {
  let statement = claimStatements.get(db);
  if (!statement) {
    statement = prepareClaim(db);
    claimStatements.set(db, statement);
  }
  const [row] = await statement.execute({
    id: eventId,
    claimable: `{${claimable.join(",")}}`,
    staleBefore: staleBefore.toISOString(),
  });
  if (!row) return undefined;
  const { blocked, steps: rawSteps, ...event } = row;
  if (blocked) return { waiting: true };
  const steps = typeof rawSteps === "string" ? (JSON.parse(rawSteps) as ClaimedStep[]) : (rawSteps ?? []);
  return { claimed: { ...event, steps } };
}

/** claimEventInOrder for callers that only ask "is it mine?": waiting is not claimed. */
export async function claimEvent(
  db: Db,
  eventId: string,
  claimable: EventStatus[],
  staleBefore: Date,
): Promise<ClaimedEvent | undefined> {
  const result = await claimEventInOrder(db, eventId, claimable, staleBefore);
  return result && "claimed" in result ? result.claimed : undefined;
}

/**
 * The heartbeat of the events this process holds: one statement renews the lease (`updated_at`) of every
 * event still `processing` under the claim it made (`attempts`, raised by each claim, is the fencing token).
 * Answers the ids renewed; one missing has finished, or was reclaimed by another worker after its lease ran out.
 */
export async function renewLeases(db: Db, held: { id: string; attempts: number }[], now: Date): Promise<string[]> {
  if (!held.length) return [];
  const pairs = held.map((h) => sql`(${h.id}::uuid, ${h.attempts}::int)`);
  const rows = await db
    .update(events)
    .set({ updatedAt: now })
    .where(
      and(eq(events.status, "processing"), sql`(${events.id}, ${events.attempts}) in (${sql.join(pairs, sql`, `)})`),
    )
    .returning({ id: events.id });
  return rows.map((r) => r.id);
}

/** A step outcome recorded with the event's (the inline engine keeps succeeded steps until the event ends). */
export type RecordedStep = {
  step: string;
  status: "succeeded" | "skipped";
  externalRef: string | null;
  output: unknown;
  startedAt: Date;
  finishedAt: Date;
};

export type FinishOptions = {
  /** The claim's `attempts`: the outcome is written only while that claim still holds the event. */
  attempts?: number;
  /** Only while the event is still `processing` (a failure reported without the claim's token). */
  whileProcessing?: boolean;
  /** The customer a step resolved (the inline engine links it here rather than in a statement of its own). */
  customerId?: string | null;
  /** Steps that ended since the claim and are not recorded yet: written in the same statement. */
  steps?: RecordedStep[];
  /**
   * Identity links a step made (as linkIdentity would write them), written in the same statement when the
   * outcome is. An external id already linked to another customer makes the whole statement fail (a unique
   * violation, see isLinkConflict) and write nothing: the caller links the slow way, then finishes again.
   */
  links?: FinishLink[];
};

export type FinishLink = { customerId: string; system: string; externalId: string; matchedBy: "id" | "email" };

/** Whether a finish failed because one of its `links` names an external id that is someone else's. */
export function isLinkConflict(err: unknown): boolean {
  type PgError = { code?: string; constraint_name?: string; constraint?: string };
  const cause = (err as { cause?: PgError }).cause ?? (err as PgError);
  // postgres-js names the constraint `constraint_name`, PGlite `constraint`.
  const constraint = cause?.constraint_name ?? cause?.constraint;
  return cause?.code === "23505" && constraint === "identities_system_external_id_idx";
}

/**
 * Records the outcome (a failure names the step it stopped at, whose row holds the error's fields) and, in
 * the same statement, the steps not recorded yet and the event's customer. With `attempts` it is fenced: a
 * run that resurfaces after another worker reclaimed the event writes nothing. Answers whether it wrote.
 */
export async function finishEvent(
  db: Db,
  eventId: string,
  status: EventStatus,
  lastError: string | null,
  failedStep: string | null = null,
  opts: FinishOptions = {},
): Promise<boolean> {
  return (await finishEventInOrder(db, eventId, status, lastError, failedStep, opts)).finished;
}

/** The oldest event of the same customer still `received` when another finished: the one to run next. */
export type NextInLine = { id: string; customerKey: string };

/**
 * finishEvent, also answering the customer's next event still `received` (oldest first), found in the same
 * statement: the engine hands it over at once instead of leaving it to a sweeper (a claim held it back
 * while this one ran). Null when this run did not record the outcome, or nothing of the customer waits.
 */
export async function finishEventInOrder(
  db: Db,
  eventId: string,
  status: EventStatus,
  lastError: string | null,
  failedStep: string | null = null,
  opts: FinishOptions = {},
): Promise<{ finished: boolean; next: NextInLine | null }> {
  const fence = opts.attempts ?? null;
  const steps = JSON.stringify(
    (opts.steps ?? []).map((s) => ({
      step: s.step,
      status: s.status,
      external_ref: s.externalRef,
      output: s.output ?? null,
      started_at: s.startedAt.toISOString(),
      finished_at: s.finishedAt.toISOString(),
      duration_ms: s.finishedAt.getTime() - s.startedAt.getTime(),
    })),
  );
  const links = JSON.stringify(
    (opts.links ?? []).map((l) => ({
      customer_id: l.customerId,
      system: l.system,
      external_id: l.externalId,
      matched_by: l.matchedBy,
    })),
  );
  // Prepared: one text per call shape (fenced or not), each planned once per connection. A fenced finish also
  // requires the event still `processing` (its own claim), so nothing overwrites the outcome another worker
  // recorded.
  const fenced = fence === null ? sql`` : sql` and attempts = ${fence}::int and status = 'processing'`;
  const onlyProcessing = opts.whileProcessing ? sql` and status = 'processing'` : sql``;
  const [row] = await executePrepared<{ finished: number; next_id: string | null; next_key: string | null }>(
    db,
    sql`
      with ev as (
        update events set status = ${status}::event_status, last_error = ${lastError}, failed_step = ${failedStep},
          processed_at = now(), updated_at = now(), customer_id = coalesce(${opts.customerId ?? null}::uuid, customer_id)
        where id = ${eventId}::uuid${fenced}${onlyProcessing}
        returning id
      ), done as (
        insert into event_steps as es (event_id, step, status, attempts, external_ref, output, started_at, finished_at,
          updated_at, attempt_log)
        select ev.id, r.step, r.status::step_status, 1, r.external_ref, r.output, r.started_at, r.finished_at,
          r.finished_at, ${ATTEMPT_OF_R}
        from ev, jsonb_to_recordset(${steps}::jsonb) as r(step text, status text, external_ref text, output jsonb,
          started_at timestamptz, finished_at timestamptz, duration_ms int)
        on conflict (event_id, step) do update set status = excluded.status, attempts = es.attempts + 1,
          external_ref = excluded.external_ref, output = excluded.output, last_error = null, error_service = null,
          error_status = null, error_code = null, error_message = null, started_at = excluded.started_at,
          finished_at = excluded.finished_at, updated_at = excluded.updated_at,
          attempt_log = es.attempt_log || jsonb_build_array(excluded.attempt_log -> 0 || jsonb_build_object('attempt', es.attempts + 1))
        returning 1
      ), linked as (
        insert into identities as i (customer_id, system, external_id, matched_by, verified, last_synced_at)
        select l.customer_id, l.system::identity_system, l.external_id, l.matched_by::identity_match,
          l.matched_by <> 'email', now()
        from ev, jsonb_to_recordset(${links}::jsonb) as l(customer_id uuid, system text, external_id text, matched_by text)
        on conflict (customer_id, system) do update set
          external_id = case when i.verified and not excluded.verified then i.external_id else excluded.external_id end,
          matched_by = case when i.verified and not excluded.verified then i.matched_by else excluded.matched_by end,
          verified = i.verified or excluded.verified, last_synced_at = now(), updated_at = now()
        returning 1
      ), next as (
        select o.id, o.customer_key from ev join events me on me.id = ev.id join events o on ${SAME_CUSTOMER}
        where o.status = 'received' order by ${IN_LINE("o")} limit 1
      )
      select (select count(*) from ev)::int as finished, (select id from next) as next_id,
        (select customer_key from next) as next_key`,
  );
  const finished = (row?.finished ?? 0) > 0;
  const next = finished && row?.next_id && row.next_key ? { id: row.next_id, customerKey: row.next_key } : null;
  return { finished, next };
}

/** The first attempt's entry of `attempt_log` from a `jsonb_to_recordset` row `r` (a later one is renumbered). */
const ATTEMPT_OF_R = sql.raw(
  `jsonb_build_array(jsonb_build_object('attempt', 1, 'startedAt', r.started_at, 'finishedAt', r.finished_at, 'durationMs', r.duration_ms, 'status', r.status, 'error', null))`,
);

export async function eventById(db: Db, eventId: string): Promise<Event | undefined> {
  const [row] = await db.select().from(events).where(eq(events.id, eventId)).limit(1);
  return row;
}

/** Links the event to its customer once a step knows who it is. */
export async function setEventCustomer(db: Db, eventId: string, customerId: string): Promise<void> {
  await db.update(events).set({ customerId }).where(eq(events.id, eventId));
}
