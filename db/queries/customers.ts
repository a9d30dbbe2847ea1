// Customers for the console and the admin API: the searchable list (with entitlement and linked
// systems) and one customer's unified identity.
import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { isUuid } from "./events";
import { countUpTo, pageOf } from "./paging";
import { customers, entitlements, entitlementStatus, events, identities, type Entitlement } from "@/db/schema";
import {
  defineTableParams,
  filterParam,
  likePattern,
  pageWindow,
  type PageResult,
  type SortState,
} from "@/lib/schemas/table-params";

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
    /** `partial`: substring matches even when `q` is exactly someone's email or id. */
    match: filterParam.oneOf(["partial"] as const),
  },
});

export type ListCustomersParams = {
  q?: string;
  match?: "partial";
  status?: EntitlementStatus;
  page?: number;
  perPage?: number;
  sort?: SortState<CustomerSort>;
};
export type LinkedSystem = {
  system: "app" | "stripe" | "hubspot" | "zendesk" | "intercom";
  externalId: string;
  lastSyncedAt: string | null;
};
export type CustomerListRow = {
  id: string;
  appUserId: string;
  /** A payer the app has not announced yet; `pendingClaimAppUserId` an app user whose claim waits. */
  provisional: boolean;
  pendingClaimAppUserId: string | null;
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

function conditions(p: ListCustomersParams, exactIds: string[]): SQL[] {
  const where: SQL[] = [];
  const q = p.q?.trim();
  if (exactIds.length) where.push(inArray(customers.id, exactIds));
  else if (q) {
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
  const col = {
    createdAt: customers.createdAt,
    email: customers.email,
    name: customers.name,
    appUserId: customers.appUserId,
  }[sort.id];
  const tie = sort.desc ? desc(customers.id) : asc(customers.id);
  // `nulls last` only where nulls can be: on a not-null column it would stop its index from serving the order.
  if (!col.notNull) return [sort.desc ? sql`${col} desc nulls last` : sql`${col} asc nulls last`, tie];
  return [sort.desc ? desc(col) : asc(col), tie];
}

/**
 * Customers whose app user id, email (any case), customer id or an external id is exactly `q`: b-tree
 * look-ups, where a substring search of a whole email reads the trigram postings of every "@gmail.com".
 */
async function exactMatches(db: Db, q: string): Promise<string[]> {
  const rows = await rowsOf<{ id: string }>(
    db.execute(sql`select id from ${customers} where ${customers.appUserId} = ${q}
      union select id from ${customers} where lower(${customers.email}) = lower(${q})
      ${isUuid(q) ? sql`union select id from ${customers} where ${customers.id} = ${q}::uuid` : sql``}
      union select customer_id from ${identities} where ${identities.system} in ('app', 'stripe', 'hubspot', 'zendesk') and ${identities.externalId} = ${q}
      limit 100`),
  );
  return rows.map((r) => r.id);
}

export type CustomersPage = PageResult<CustomerListRow> & {
  /** `q` is exactly these customers' email or id, so only they are listed (`match=partial` lists substring matches). */
  exactMatch?: boolean;
};

export async function listCustomers(db: Db, params: ListCustomersParams = {}): Promise<CustomersPage> {
  const window = pageWindow(params);
  const { limit, offset } = window;
  const q = params.q?.trim();
  const exactIds = q && params.match !== "partial" ? await exactMatches(db, q) : [];
  const where = and(...conditions(params, exactIds));
  const [rows, counted] = await Promise.all([
    db
      .select({
        id: customers.id,
        appUserId: customers.appUserId,
        provisional: customers.provisional,
        pendingClaimAppUserId: customers.pendingClaimAppUserId,
        email: customers.email,
        name: customers.name,
        signedUpAt: customers.signedUpAt,
        createdAt: customers.createdAt,
        plan: entitlements.plan,
        status: sql<EntitlementStatus>`coalesce(${entitlements.status}, 'none')`,
        currentPeriodEnd: entitlements.currentPeriodEnd,
        linked: sql<
          LinkedSystem[]
        >`(select coalesce(json_agg(json_build_object('system', i.system, 'externalId', i.external_id, 'lastSyncedAt', i.last_synced_at) order by i.system), '[]'::json) from ${identities} i where i.customer_id = ${customers.id})`,
        failedEvents:
          sql<number>`(select count(*) from ${events} e where e.customer_id = ${customers.id} and e.status = 'failed')`.mapWith(
            Number,
          ),
      })
      .from(customers)
      .leftJoin(entitlements, eq(entitlements.customerId, customers.id))
      .where(where)
      .orderBy(...orderBy(params.sort ?? customersTableParams.defaultSort))
      .limit(limit)
      .offset(offset),
    countUpTo(
      db,
      db
        .select({ one: sql`1` })
        .from(customers)
        .leftJoin(entitlements, eq(entitlements.customerId, customers.id))
        .where(where)
        .$dynamic(),
    ),
  ]);
  const page = pageOf(
    rows.map((r) => ({ ...r, linked: parseJson(r.linked) })),
    counted,
    window,
  );
  return exactIds.length ? { ...page, exactMatch: true } : page;
}

/** Some drivers hand json back as text. */
function parseJson<T>(value: T | string): T {
  return typeof value === "string" ? (JSON.parse(value) as T) : value;
}

export type CustomerEntitlement =
  | Pick<
      Entitlement,
      | "plan"
      | "status"
      | "currentPeriodEnd"
      | "cancelAtPeriodEnd"
      | "stripeSubscriptionId"
      | "stripePaymentIntentId"
      | "disputedAt"
      | "sourceUpdatedAt"
      | "updatedAt"
    >
  | {
      plan: null;
      status: "none";
      currentPeriodEnd: null;
      cancelAtPeriodEnd: false;
      stripeSubscriptionId: null;
      stripePaymentIntentId: null;
      disputedAt: null;
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
        stripePaymentIntentId: ent.stripePaymentIntentId,
        disputedAt: ent.disputedAt,
        sourceUpdatedAt: ent.sourceUpdatedAt,
        updatedAt: ent.updatedAt,
      }
    : {
        plan: null,
        status: "none",
        currentPeriodEnd: null,
        cancelAtPeriodEnd: false,
        stripeSubscriptionId: null,
        stripePaymentIntentId: null,
        disputedAt: null,
        sourceUpdatedAt: null,
        updatedAt: null,
      };
  return { customer, identities: links, entitlement };
}

export type CustomerSearchHit = {
  appUserId: string;
  name: string | null;
  email: string | null;
  provisional: boolean;
  /** Why it matched, when not by name or email: the external id it was found by (cus_…). */
  matchedId: string | null;
};

/**
 * Customers for the global search: exact matches first (app user id, email, an external id such as a Stripe
 * customer id), then a part of the name or email. Every branch is an index look-up, so it stays fast
 * however many customers and events there are.
 */
export async function searchCustomers(db: Db, q: string, limit = 8): Promise<CustomerSearchHit[]> {
  const v = q.trim();
  if (!v) return [];
  const like = likePattern(v);
  const partial =
    v.length >= 3
      ? // Capped per branch: "gmail" matches half the customers, and the palette shows a handful.
        sql`union all (select c.id, 2, null from ${customers} c where c.name ilike ${like} limit ${limit})
        union all (select c.id, 2, null from ${customers} c where c.email ilike ${like} limit ${limit})`
      : sql``;
  const rows = await rowsOf<CustomerSearchHit & { rank: number }>(
    db.execute(sql`select c.app_user_id as "appUserId", c.name, c.email, c.provisional, m.matched as "matchedId", m.rank
      from (
        select id, min(rank) as rank, max(matched) as matched from (
          select c.id, 0 as rank, null as matched from ${customers} c where c.app_user_id = ${v}
          union all select c.id, 0, null from ${customers} c where lower(c.email) = lower(${v})
          union all select i.customer_id, 1, i.external_id from ${identities} i
            where i.system in ('stripe', 'hubspot', 'zendesk', 'intercom') and i.external_id = ${v}
          ${partial}
        ) found group by id order by min(rank) limit ${limit}
      ) m join ${customers} c on c.id = m.id
      order by m.rank, c.name nulls last, c.email`),
  );
  return rows.map(({ rank: _rank, ...hit }) => hit);
}
