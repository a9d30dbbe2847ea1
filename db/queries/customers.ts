// Customers for the console and the admin API: the searchable list (with entitlement and linked
// systems) and one customer's unified identity.
import { and, asc, desc, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { customers, entitlements, entitlementStatus, events, identities, type Entitlement } from "@/db/schema";
import { defineTableParams, filterParam, likePattern, pageWindow, type PageResult, type SortState } from "@/components/data-table/search-params";

export type EntitlementStatus = (typeof entitlementStatus.enumValues)[number];
export const CUSTOMER_SORTS = ["createdAt", "email", "name", "appUserId"] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

/** URL params of the customers list: q (email, name, app user id or any external id), status. */
export const customersTableParams = defineTableParams({
  sortable: CUSTOMER_SORTS,
  defaultSort: { id: "createdAt", desc: true },
  filters: {
    q: filterParam.text(200),
    status: filterParam.oneOf(entitlementStatus.enumValues),
  },
});

export type ListCustomersParams = {
  q?: string;
  status?: EntitlementStatus;
  page?: number;
  perPage?: number;
  sort?: SortState<CustomerSort>;
};
export type LinkedSystem = { system: "app" | "stripe" | "hubspot" | "zendesk"; externalId: string; lastSyncedAt: string | null };
export type CustomerListRow = {
  id: string;
  appUserId: string;
  email: string | null;
  name: string | null;
  signedUpAt: Date | null;
  createdAt: Date;
  plan: string | null;
  status: EntitlementStatus;
  currentPeriodEnd: Date | null;
  linked: LinkedSystem[];
  failedEvents: number;
};

function conditions(p: ListCustomersParams): SQL[] {
  const where: SQL[] = [];
  const q = p.q?.trim();
  if (q) {
    // One indexed look-up per field (trigram GIN indexes make the substring searches cheap), unioned.
    const like = likePattern(q);
    where.push(
      sql`${customers.id} in (
        select id from ${customers} where ${customers.appUserId} ilike ${like}
        union select id from ${customers} where ${customers.email} ilike ${like}
        union select id from ${customers} where ${customers.name} ilike ${like}
        union select id from ${customers} where ${customers.id}::text = ${q.toLowerCase()}
        union select customer_id from ${identities} where ${identities.externalId} ilike ${like})`,
    );
  }
  if (p.status === "none") where.push(or(isNull(entitlements.status), eq(entitlements.status, "none"))!);
  else if (p.status) where.push(eq(entitlements.status, p.status));
  return where;
}

function orderBy(sort: SortState<CustomerSort>): SQL[] {
  const col = { createdAt: customers.createdAt, email: customers.email, name: customers.name, appUserId: customers.appUserId }[sort.id];
  const tie = sort.desc ? desc(customers.id) : asc(customers.id);
  return [sort.desc ? sql`${col} desc nulls last` : sql`${col} asc nulls last`, tie];
}

export async function listCustomers(db: Db, params: ListCustomersParams = {}): Promise<PageResult<CustomerListRow>> {
  const { limit, offset, perPage } = pageWindow(params);
  const where = and(...conditions(params));
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: customers.id,
        appUserId: customers.appUserId,
        email: customers.email,
        name: customers.name,
        signedUpAt: customers.signedUpAt,
        createdAt: customers.createdAt,
        plan: entitlements.plan,
        status: sql<EntitlementStatus>`coalesce(${entitlements.status}, 'none')`,
        currentPeriodEnd: entitlements.currentPeriodEnd,
        linked: sql<LinkedSystem[]>`(select coalesce(json_agg(json_build_object('system', i.system, 'externalId', i.external_id, 'lastSyncedAt', i.last_synced_at) order by i.system), '[]'::json) from ${identities} i where i.customer_id = ${customers.id})`,
        failedEvents: sql<number>`(select count(*) from ${events} e where e.customer_id = ${customers.id} and e.status = 'failed')`.mapWith(Number),
      })
      .from(customers)
      .leftJoin(entitlements, eq(entitlements.customerId, customers.id))
      .where(where)
      .orderBy(...orderBy(params.sort ?? customersTableParams.defaultSort))
      .limit(limit)
      .offset(offset),
    db
      .select({ total: sql<number>`count(*)`.mapWith(Number) })
      .from(customers)
      .leftJoin(entitlements, eq(entitlements.customerId, customers.id))
      .where(where),
  ]);
  return { rows: rows.map((r) => ({ ...r, linked: parseJson(r.linked) })), total, pageCount: Math.ceil(total / perPage) };
}

/** Some drivers hand json back as text. */
function parseJson<T>(value: T | string): T {
  return typeof value === "string" ? (JSON.parse(value) as T) : value;
}

export type CustomerEntitlement = Pick<Entitlement, "plan" | "status" | "currentPeriodEnd" | "cancelAtPeriodEnd" | "stripeSubscriptionId" | "sourceUpdatedAt" | "updatedAt"> | {
  plan: null;
  status: "none";
  currentPeriodEnd: null;
  cancelAtPeriodEnd: false;
  stripeSubscriptionId: null;
  sourceUpdatedAt: null;
  updatedAt: null;
};

/** One customer by app user id: identities and entitlement (`status: "none"` when there is none). */
export async function getCustomerByAppUserId(db: Db, appUserId: string) {
  const [customer] = await db.select().from(customers).where(eq(customers.appUserId, appUserId)).limit(1);
  if (!customer) return null;
  const [links, [ent]] = await Promise.all([
    db.select().from(identities).where(eq(identities.customerId, customer.id)).orderBy(asc(identities.system)),
    db.select().from(entitlements).where(eq(entitlements.customerId, customer.id)).limit(1),
  ]);
  const entitlement: CustomerEntitlement = ent
    ? {
        plan: ent.plan,
        status: ent.status,
        currentPeriodEnd: ent.currentPeriodEnd,
        cancelAtPeriodEnd: ent.cancelAtPeriodEnd,
        stripeSubscriptionId: ent.stripeSubscriptionId,
        sourceUpdatedAt: ent.sourceUpdatedAt,
        updatedAt: ent.updatedAt,
      }
    : { plan: null, status: "none", currentPeriodEnd: null, cancelAtPeriodEnd: false, stripeSubscriptionId: null, sourceUpdatedAt: null, updatedAt: null };
  return { customer, identities: links, entitlement };
}
