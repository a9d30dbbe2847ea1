import type { EventSource } from "@/db/schema";
// Events for the console and the admin API: the list (filters shaped to the events_* indexes,
// never the raw body), the distinct types for the filter, and one event with its steps.
import { and, asc, desc, eq, gte, inArray, lte, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { countUpTo, pageOf } from "./paging";
import {
  auditLog,
  bulkReplays,
  customers,
  events,
  type eventSource,
  eventSteps,
  type EventStatus,
  identities,
} from "@/db/schema";
import { eventFilterParams } from "@/lib/schemas/event-filter";
import {
  defineTableParams,
  likePattern,
  pageWindow,
  type PageResult,
  type SortState,
} from "@/lib/schemas/table-params";

export const EVENT_SORTS = ["receivedAt", "type", "status"] as const;
export type EventSort = (typeof EVENT_SORTS)[number];

/** URL params of the events list (page and API): source, type, status, customer, from, to. */
export const eventsTableParams = defineTableParams({
  sortable: EVENT_SORTS,
  defaultSort: { id: "receivedAt", desc: true },
  filters: eventFilterParams,
});

export type EventFilters = {
  /** Find anything: a source id, our id, a correlation id, or a customer's email or app user id (exact). */
  q?: string;
  source?: (typeof eventSource.enumValues)[number];
  type?: string;
  status?: EventStatus | EventStatus[];
  /** A customer: their id, app user id, email, an external id, or part of their name or email. */
  customer?: string;
  via?: "webhook" | "backfill" | "import";
  /** received_at bounds, both inclusive. */
  from?: Date;
  to?: Date;
};
export type ListEventsParams = EventFilters & { page?: number; perPage?: number; sort?: SortState<EventSort> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

/** The WHERE conditions of a filter; also what a bulk replay by filter should select. */
export function eventFilterConditions(f: EventFilters): SQL[] {
  const where: SQL[] = [];
  if (f.q?.trim()) where.push(findAnything(f.q.trim()));
  if (f.source) where.push(eq(events.source, f.source));
  if (f.type) where.push(eq(events.type, f.type));
  const statuses = f.status === undefined ? [] : [f.status].flat();
  if (statuses.length === 1) where.push(eq(events.status, statuses[0]));
  else if (statuses.length > 1) where.push(inArray(events.status, statuses));
  if (f.customer?.trim()) where.push(sql`${events.customerId} in (${customersNamed(f.customer.trim())})`);
  if (f.via) where.push(eq(events.arrivedVia, f.via));
  if (f.from) where.push(gte(events.receivedAt, f.from));
  if (f.to) where.push(lte(events.receivedAt, f.to));
  return where;
}

/** Shortest text searched as a substring: the trigram indexes need three characters to help. */
export const MIN_SUBSTRING = 3;

/**
 * The ids of the customers a founder means by `v`: exactly their id, app user id, email or an external id
 * (cus_…, a HubSpot or Zendesk id), or a part of their name or email ("ada", "lovelace@"). Each branch is
 * one indexed look-up (b-tree or the trigram GIN indexes of migration 0003), unioned.
 */
export function customersNamed(v: string): SQL {
  const byId = isUuid(v) ? sql` union select c.id from ${customers} c where c.id = ${v}::uuid` : sql``;
  const like = likePattern(v);
  const partial =
    v.length >= MIN_SUBSTRING
      ? sql` union select c.id from ${customers} c where c.name ilike ${like}
        union select c.id from ${customers} c where c.email ilike ${like}`
      : sql``;
  return sql`select c.id from ${customers} c where c.app_user_id = ${v}
    union select c.id from ${customers} c where lower(c.email) = lower(${v})
    union select i.customer_id from ${identities} i
      where i.system in ('app', 'stripe', 'hubspot', 'zendesk', 'intercom') and i.external_id = ${v}${byId}${partial}`;
}

/**
 * The events `q` names, each branch on its own index (a union, not an OR that would scan every event): the
 * source id per source, our id, the correlation id, and the events of the customer with that app user id or
 * email.
 */
function findAnything(v: string): SQL {
  const ours = isUuid(v) ? sql` union all select ${v}::uuid` : sql``;
  return sql`${events.id} in (
    select e.id from ${events} e where e.source = 'stripe' and e.external_id = ${v}
    union all select e.id from ${events} e where e.source = 'app' and e.external_id = ${v}
    union all select e.id from ${events} e where e.correlation_id = ${v}
    union all select e.id from ${events} e where e.customer_id in (
      select c.id from ${customers} c where c.app_user_id = ${v}
      union select c.id from ${customers} c where lower(c.email) = lower(${v})
    )${ours}
  )`;
}

const listColumns = {
  id: events.id,
  source: events.source,
  externalId: events.externalId,
  type: events.type,
  status: events.status,
  correlationId: events.correlationId,
  customerId: events.customerId,
  customerAppUserId: customers.appUserId,
  customerEmail: customers.email,
  customerName: customers.name,
  occurredAt: events.occurredAt,
  receivedAt: events.receivedAt,
  processedAt: events.processedAt,
  attempts: events.attempts,
  lastError: events.lastError,
};

export type EventListRow = {
  id: string;
  source: EventSource;
  externalId: string;
  type: string;
  status: EventStatus;
  correlationId: string;
  customerId: string | null;
  customerAppUserId: string | null;
  customerEmail: string | null;
  customerName: string | null;
  occurredAt: Date | null;
  receivedAt: Date;
  processedAt: Date | null;
  attempts: number;
  lastError: string | null;
};

/** The list's order over `cols` (the events table, or the page subquery): ties broken by received_at, then id. */
function orderBy(
  sort: SortState<EventSort>,
  cols: {
    receivedAt: AnyColumn | SQL.Aliased;
    id: AnyColumn | SQL.Aliased;
    type: AnyColumn | SQL.Aliased;
    status: AnyColumn | SQL.Aliased;
  } = events,
): SQL[] {
  const dir = sort.desc ? desc : asc;
  // received_at then id break ties so pages never overlap. They follow the main direction so that
  // (status|type, received_at) indexes serve the order: status desc = newest first in each status,
  // status asc = oldest first (the queue order of the backlog).
  if (sort.id === "receivedAt") return [dir(cols.receivedAt as AnyColumn), dir(cols.id as AnyColumn)];
  const col = (sort.id === "type" ? cols.type : cols.status) as AnyColumn;
  return [dir(col), dir(cols.receivedAt as AnyColumn), dir(cols.id as AnyColumn)];
}

export async function listEvents(db: Db, params: ListEventsParams = {}): Promise<PageResult<EventListRow>> {
  const window = pageWindow(params);
  const where = and(...eventFilterConditions(params));
  const sort = params.sort ?? eventsTableParams.defaultSort;
  // A deferred join: the page is chosen by its ids and sort keys alone (on the default order an
  // index-only scan of (received_at, id), however deep the page), then only its 25 rows are read and
  // joined to their customers. Reading every column of every skipped row made a deep page 2-3x slower.
  const sortKey = sort.id === "type" ? events.type : sort.id === "status" ? events.status : events.receivedAt;
  const page = db
    .select({ id: events.id, receivedAt: events.receivedAt, sortKey: sql`${sortKey}`.as("sort_key") })
    .from(events)
    .where(where)
    .orderBy(...orderBy(sort))
    .limit(window.limit)
    .offset(window.offset)
    .as("page_keys");
  const pageCols = { id: page.id, receivedAt: page.receivedAt, type: page.sortKey, status: page.sortKey };
  const [rows, counted] = await Promise.all([
    db
      .select(listColumns)
      .from(page)
      .innerJoin(events, eq(events.id, page.id))
      .leftJoin(customers, eq(customers.id, events.customerId))
      .orderBy(...orderBy(sort, pageCols)),
    countUpTo(db, db.select({ one: sql`1` }).from(events).where(where).$dynamic()),
  ]);
  return pageOf(rows, counted, window);
}

/**
 * Distinct event types seen, for the type filter: a skip scan of the (type, received_at) index, one
 * probe per type, instead of reading every event (`select distinct` over a million rows takes ~0.4 s).
 */
export async function listEventTypes(db: Db): Promise<string[]> {
  const rows = await rowsOf<{ type: string }>(
    db.execute(sql`with recursive seen(type) as (
        (select type from events order by type limit 1)
        union all
        select (select e.type from events e where e.type > seen.type order by e.type limit 1) from seen where seen.type is not null
      )
      select type from seen where type is not null limit 500`),
  );
  return rows.map((r) => r.type);
}

/** One event with its customer, steps (pipeline order) and payload; null when unknown. */
export async function getEventDetail(db: Db, id: string) {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select({
      event: events,
      customer: { id: customers.id, appUserId: customers.appUserId, email: customers.email, name: customers.name },
    })
    .from(events)
    .leftJoin(customers, eq(customers.id, events.customerId))
    .where(eq(events.id, id))
    .limit(1);
  if (!row) return null;
  const steps = await db
    .select()
    .from(eventSteps)
    .where(eq(eventSteps.eventId, id))
    .orderBy(sql`${eventSteps.startedAt} asc nulls last`, asc(eventSteps.updatedAt), asc(eventSteps.step));
  const { rawBody, ...event } = row.event;
  return { event, customer: row.customer, steps, payload: parsePayload(rawBody), rawBody };
}

export type EventDetail = NonNullable<Awaited<ReturnType<typeof getEventDetail>>>;

function parsePayload(rawBody: string | null): unknown {
  if (rawBody === null) return null;
  try {
    return JSON.parse(rawBody);
  } catch {
    return rawBody;
  }
}

/** A replay of one event as the audit log and the bulk replays recorded it: when, by whom, which kind. */
export type EventReplay = { at: Date; by: string; action: string };

/**
 * The replays of one event, oldest first: single replays from the audit log (its target index) and the bulk
 * replays that re-queued it. The event page attributes each step attempt to the last replay before it.
 */
export async function listEventReplays(db: Db, eventId: string): Promise<EventReplay[]> {
  if (!isUuid(eventId)) return [];
  const [single, bulk] = await Promise.all([
    db
      .select({ at: auditLog.createdAt, by: auditLog.actorEmail, action: auditLog.action })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.targetType, "event"),
          eq(auditLog.targetId, eventId),
          sql`${auditLog.action} like 'event.replay%'`,
        ),
      ),
    // Bulk replays are few (one per click) and unindexed by event: reading them whole is cheap.
    db
      .select({ at: bulkReplays.queuedAt, by: bulkReplays.requestedBy })
      .from(bulkReplays)
      .where(sql`${eventId}::uuid = any(${bulkReplays.eventIds})`),
  ]);
  return [...single, ...bulk.map((b) => ({ ...b, action: "event.bulk_replay" }))].sort(
    (a, b) => a.at.getTime() - b.at.getTime(),
  );
}

export type EventSearchHit = {
  id: string;
  type: string;
  source: EventSource;
  externalId: string;
  status: EventStatus;
  receivedAt: Date;
};

/** The events an id names exactly (our id, the source's id, a correlation id), for the global search. */
export async function findEventsById(db: Db, v: string, limit = 5): Promise<EventSearchHit[]> {
  const ours = isUuid(v) ? sql` union all select e.id from ${events} e where e.id = ${v}::uuid` : sql``;
  return db
    .select({
      id: events.id,
      type: events.type,
      source: events.source,
      externalId: events.externalId,
      status: events.status,
      receivedAt: events.receivedAt,
    })
    .from(events)
    .where(
      sql`${events.id} in (
        select e.id from ${events} e
          where e.source in ('stripe', 'app', 'zendesk', 'intercom') and e.external_id = ${v}
        union all select e.id from ${events} e where e.correlation_id = ${v}${ours})`,
    )
    .orderBy(desc(events.receivedAt))
    .limit(limit);
}
