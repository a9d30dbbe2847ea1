// Drift findings: what reconciliation found different between our records and Stripe, HubSpot or Zendesk.
// One open row per (customer, system, field): a repeat finding keeps its `detected_at` (since when) and
// updates the values; a field found equal again is resolved `matched`, a repair resolves it `repaired`.
import { and, asc, count, desc, eq, gt, inArray, isNull, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import {
  type Customer,
  type DriftFinding,
  type Entitlement,
  customers,
  driftFindings,
  entitlements,
  identities,
} from "@/db/schema";
import { countUpTo, pageOf } from "@/db/queries/paging";
import { defineTableParams, filterParam, pageWindow, type SortState } from "@/lib/schemas/table-params";

export const DRIFT_SYSTEMS = ["stripe", "hubspot", "zendesk"] as const;
export type DriftSystem = (typeof DRIFT_SYSTEMS)[number];

/** A customer as reconciliation sees it: the record, its links per system and its entitlement. */
export type ReconcileSubject = {
  customer: Customer;
  links: Partial<Record<DriftSystem, string>>;
  entitlement: Entitlement | undefined;
};

/** The next batch of customers by id (after `afterId`), or exactly `ids`, with their links and entitlements. */
export async function reconcileSubjects(
  db: Db,
  opts: { afterId?: string; limit: number; ids?: string[] },
): Promise<ReconcileSubject[]> {
  const where = opts.ids
    ? inArray(customers.id, opts.ids.length ? opts.ids : ["00000000-0000-0000-0000-000000000000"])
    : opts.afterId
      ? gt(customers.id, opts.afterId)
      : undefined;
  const rows = await db.select().from(customers).where(where).orderBy(asc(customers.id)).limit(opts.limit);
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [links, ents] = await Promise.all([
    db
      .select({ customerId: identities.customerId, system: identities.system, externalId: identities.externalId })
      .from(identities)
      .where(and(inArray(identities.customerId, ids), inArray(identities.system, [...DRIFT_SYSTEMS]))),
    db.select().from(entitlements).where(inArray(entitlements.customerId, ids)),
  ]);
  return rows.map((customer) => ({
    customer,
    links: Object.fromEntries(
      links.filter((l) => l.customerId === customer.id).map((l) => [l.system, l.externalId]),
    ) as ReconcileSubject["links"],
    entitlement: ents.find((e) => e.customerId === customer.id),
  }));
}

/** The open findings of these customers. */
export async function openDriftOf(db: Db, customerIds: string[]): Promise<DriftFinding[]> {
  if (customerIds.length === 0) return [];
  return db
    .select()
    .from(driftFindings)
    .where(and(inArray(driftFindings.customerId, customerIds), isNull(driftFindings.resolvedAt)));
}

export type DriftValues = {
  customerId: string;
  system: DriftSystem;
  field: string;
  expected: string | null;
  actual: string | null;
};

/** Opens a finding, or updates the open one (its `detected_at` stays: drift since then). */
export async function recordDrift(db: Db, d: DriftValues, now: Date): Promise<void> {
  await db
    .insert(driftFindings)
    .values({ ...d, detectedAt: now, lastCheckedAt: now })
    .onConflictDoUpdate({
      target: [driftFindings.customerId, driftFindings.system, driftFindings.field],
      targetWhere: isNull(driftFindings.resolvedAt),
      set: { expected: d.expected, actual: d.actual, lastCheckedAt: now },
    });
}

/** Resolves open findings (found equal again, or repaired); answers how many it resolved. */
export async function resolveDrift(
  db: Db,
  ids: string[],
  resolution: "matched" | "repaired",
  now: Date,
): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db
    .update(driftFindings)
    .set({ resolvedAt: now, resolution, lastCheckedAt: now })
    .where(and(inArray(driftFindings.id, ids), isNull(driftFindings.resolvedAt)))
    .returning({ id: driftFindings.id });
  return rows.length;
}

/** One finding with its customer (open or not). */
export async function driftFindingById(
  db: Db,
  id: string,
): Promise<{ finding: DriftFinding; customer: Customer } | undefined> {
  const [row] = await db
    .select({ finding: driftFindings, customer: customers })
    .from(driftFindings)
    .innerJoin(customers, eq(customers.id, driftFindings.customerId))
    .where(eq(driftFindings.id, id))
    .limit(1);
  return row;
}

/** Open findings, oldest first (what "repair all" works through), at most `limit`. */
export async function openDriftFindings(
  db: Db,
  limit: number,
): Promise<{ finding: DriftFinding; customer: Customer }[]> {
  return db
    .select({ finding: driftFindings, customer: customers })
    .from(driftFindings)
    .innerJoin(customers, eq(customers.id, driftFindings.customerId))
    .where(isNull(driftFindings.resolvedAt))
    .orderBy(asc(driftFindings.detectedAt), asc(driftFindings.id))
    .limit(limit);
}

/** How many findings are open (the overview and the digest). */
export async function openDriftCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(driftFindings).where(isNull(driftFindings.resolvedAt));
  return row?.n ?? 0;
}

export const DRIFT_SORTS = ["detectedAt", "system"] as const;
export type DriftSort = (typeof DRIFT_SORTS)[number];

/** URL params of the drift list: system; open findings only. */
export const driftTableParams = defineTableParams({
  sortable: DRIFT_SORTS,
  defaultSort: { id: "detectedAt", desc: false },
  filters: { system: filterParam.oneOf(DRIFT_SYSTEMS) },
});

export type ListDriftParams = {
  system?: DriftSystem;
  page?: number;
  perPage?: number;
  sort?: SortState<DriftSort>;
};

function orderBy(sort: SortState<DriftSort>): SQL[] {
  const dir = sort.desc ? desc : asc;
  if (sort.id === "system") return [dir(driftFindings.system), asc(driftFindings.detectedAt), asc(driftFindings.id)];
  return [dir(driftFindings.detectedAt), dir(driftFindings.id)];
}

/** The open findings, with the customer's name, email and app user id. */
export async function listDrift(db: Db, params: ListDriftParams = {}) {
  const { limit, offset, perPage } = pageWindow(params);
  const where = and(
    isNull(driftFindings.resolvedAt),
    params.system ? eq(driftFindings.system, params.system) : undefined,
  );
  const [rows, counted] = await Promise.all([
    db
      .select({
        id: driftFindings.id,
        system: driftFindings.system,
        field: driftFindings.field,
        expected: driftFindings.expected,
        actual: driftFindings.actual,
        detectedAt: driftFindings.detectedAt,
        lastCheckedAt: driftFindings.lastCheckedAt,
        customerId: customers.id,
        appUserId: customers.appUserId,
        name: customers.name,
        email: customers.email,
        provisional: customers.provisional,
      })
      .from(driftFindings)
      .innerJoin(customers, eq(customers.id, driftFindings.customerId))
      .where(where)
      .orderBy(...orderBy(params.sort ?? driftTableParams.defaultSort))
      .limit(limit)
      .offset(offset),
    countUpTo(db, db.select({ id: driftFindings.id }).from(driftFindings).where(where).$dynamic()),
  ]);
  return pageOf(rows, counted, { offset, perPage });
}

export type DriftRow = Awaited<ReturnType<typeof listDrift>>["rows"][number];
