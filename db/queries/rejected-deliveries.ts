// Refused webhook deliveries: one row per refusal (bounded per minute by lib/ingest/rejections.ts), or one
// aggregate row per route, reason and minute under a flood; the console's list, the overview's count, the
// alert rules' window counts and the retention delete. Plus when the last Stripe webhook arrived (silence rule).
import { and, asc, desc, eq, gte, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { countUpTo, pageOf } from "./paging";
import { events, type NewRejectedDelivery, rejectedDeliveries } from "@/db/schema";
import { REJECTION_REASONS, type RejectionReason, WEBHOOK_ROUTES } from "@/lib/ingest/rejection-reasons";
import { defineTableParams, filterParam, pageWindow, type SortState } from "@/lib/schemas/table-params";

export async function insertRejectedDelivery(db: Db, row: NewRejectedDelivery): Promise<void> {
  await db.insert(rejectedDeliveries).values(row);
}

export type RejectionAggregate = {
  aggregateKey: string;
  route: string;
  reason: string;
  status: number;
  /** The one address the batch came from; null when it came from several. */
  clientAddress: string | null;
  count: number;
  firstAt: Date;
  lastAt: Date;
};

/** Adds a batch of refusals to its route+reason+minute row (created on first use). */
export async function addToRejectionAggregate(db: Db, a: RejectionAggregate): Promise<void> {
  const t = rejectedDeliveries;
  await db
    .insert(t)
    .values({ ...a })
    .onConflictDoUpdate({
      target: t.aggregateKey,
      targetWhere: sql`${t.aggregateKey} is not null`,
      set: {
        count: sql`${t.count} + excluded.count`,
        lastAt: sql`greatest(${t.lastAt}, excluded.last_at)`,
        firstAt: sql`least(${t.firstAt}, excluded.first_at)`,
        clientAddress: sql`case when ${t.clientAddress} = excluded.client_address then ${t.clientAddress} else null end`,
      },
    });
}

export const REJECTED_DELIVERY_SORTS = ["lastAt", "count"] as const;
export type RejectedDeliverySort = (typeof REJECTED_DELIVERY_SORTS)[number];

/** URL params of the rejected deliveries list: route, reason, from (a day or time). */
export const rejectedDeliveriesTableParams = defineTableParams({
  sortable: REJECTED_DELIVERY_SORTS,
  defaultSort: { id: "lastAt", desc: true },
  filters: {
    route: filterParam.oneOf(WEBHOOK_ROUTES),
    reason: filterParam.oneOf(REJECTION_REASONS),
    from: filterParam.date("start"),
  },
});

export type ListRejectedDeliveriesParams = {
  route?: string;
  reason?: string;
  from?: Date;
  page?: number;
  perPage?: number;
  sort?: SortState<RejectedDeliverySort>;
};

function conditions(p: ListRejectedDeliveriesParams): SQL[] {
  const where: SQL[] = [];
  if (p.route) where.push(eq(rejectedDeliveries.route, p.route));
  if (p.reason) where.push(eq(rejectedDeliveries.reason, p.reason));
  if (p.from) where.push(gte(rejectedDeliveries.lastAt, p.from));
  return where;
}

function orderBy(sort: SortState<RejectedDeliverySort>): SQL[] {
  const dir = sort.desc ? desc : asc;
  if (sort.id === "count") return [dir(rejectedDeliveries.count), desc(rejectedDeliveries.lastAt)];
  return [dir(rejectedDeliveries.lastAt), dir(rejectedDeliveries.id)];
}

const listColumns = {
  id: rejectedDeliveries.id,
  route: rejectedDeliveries.route,
  reason: rejectedDeliveries.reason,
  status: rejectedDeliveries.status,
  clientAddress: rejectedDeliveries.clientAddress,
  sizeBytes: rejectedDeliveries.sizeBytes,
  bodySha256: rejectedDeliveries.bodySha256,
  sourceEventId: rejectedDeliveries.sourceEventId,
  count: rejectedDeliveries.count,
  aggregated: sql<boolean>`${rejectedDeliveries.aggregateKey} is not null`,
  firstAt: rejectedDeliveries.firstAt,
  lastAt: rejectedDeliveries.lastAt,
};

export async function listRejectedDeliveries(db: Db, params: ListRejectedDeliveriesParams = {}) {
  const { limit, offset, perPage } = pageWindow(params);
  const where = and(...conditions(params));
  const [rows, counted] = await Promise.all([
    db
      .select(listColumns)
      .from(rejectedDeliveries)
      .where(where)
      .orderBy(...orderBy(params.sort ?? rejectedDeliveriesTableParams.defaultSort))
      .limit(limit)
      .offset(offset),
    countUpTo(db, db.select({ id: rejectedDeliveries.id }).from(rejectedDeliveries).where(where).$dynamic()),
  ]);
  return pageOf(rows, counted, { offset, perPage });
}

export type RejectedDeliveryRow = Awaited<ReturnType<typeof listRejectedDeliveries>>["rows"][number];

/** Refusals (each aggregate row counts for its count) per route since `since`, for some reasons. */
export async function rejectionCountsByRoute(
  db: Db,
  since: Date,
  reasons: readonly RejectionReason[],
): Promise<Record<string, number>> {
  const rows = await db
    .select({ route: rejectedDeliveries.route, n: sql<number>`coalesce(sum(${rejectedDeliveries.count}), 0)::int` })
    .from(rejectedDeliveries)
    .where(and(gte(rejectedDeliveries.lastAt, since), inArray(rejectedDeliveries.reason, [...reasons])))
    .groupBy(rejectedDeliveries.route);
  return Object.fromEntries(rows.map((r) => [r.route, Number(r.n)]));
}

/** Retention: deletes up to `batch` rows last seen before `before`; answers how many. */
export async function deleteRejectedDeliveriesBefore(db: Db, before: Date, batch: number): Promise<number> {
  const rows = await db
    .delete(rejectedDeliveries)
    .where(
      inArray(
        rejectedDeliveries.id,
        db
          .select({ id: rejectedDeliveries.id })
          .from(rejectedDeliveries)
          .where(sql`${rejectedDeliveries.lastAt} < ${before.toISOString()}::timestamptz`)
          .limit(batch),
      ),
    )
    .returning({ id: rejectedDeliveries.id });
  return rows.length;
}

/** When the newest event of a source that came by webhook (not by backfill or import) arrived; null if none. */
export async function lastWebhookEventAt(db: Db, source: "stripe" | "app"): Promise<Date | null> {
  // Served by events_received_at_id_idx read backwards: it stops at the first matching row.
  const [row] = await db
    .select({ at: events.receivedAt })
    .from(events)
    .where(and(eq(events.source, source), eq(events.arrivedVia, "webhook")))
    .orderBy(desc(events.receivedAt))
    .limit(1);
  return row?.at ?? null;
}
