// An app user's customer: created on first sight, each field written only when newer than its last write.
// The hot statement of every app event (a signup's identity in one commit), so it is prepared once per
// shape of input (which fields the event carries) and database: drizzle builds its text only then.
import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { customers, identities, type Customer } from "@/db/schema";
import { linkIdentity } from "./identity-links";
import { type CarriedProjection, customerByAppUserId } from "./identity-lookups";
import { provisionalCustomersByEmail } from "./provisional-customers";

/**
 * What an app event says of its user. A field absent is unchanged. With `asOf` (the event's time) each field
 * is written only when newer than the last write of that field (recency is per field, not per row); without
 * it (a Stripe object naming our user) a field only fills a blank.
 */
export type AppUserFields = {
  appUserId: string;
  email?: string | null;
  name?: string | null;
  emailVerified?: boolean;
  signedUpAt?: Date | null;
  asOf?: Date;
};

/** Creates the customer of an app user, or applies the fields given (per-field recency); returns it. */
export async function upsertAppCustomer(db: Db, input: AppUserFields): Promise<Customer> {
  return (await upsertAppCustomerCounting(db, input)).customer;
}

/** Which fields an input carries: one prepared statement per shape. */
type Shape = { email: boolean; name: boolean; verified: boolean; signedUp: boolean; timed: boolean };

const shapeOf = (input: AppUserFields): Shape => ({
  email: !!input.email,
  name: !!input.name,
  verified: input.emailVerified !== undefined,
  signedUp: !!input.signedUpAt,
  timed: input.asOf !== undefined,
});

const shapeKey = (s: Shape) => Object.values(s).map(Number).join("");

/** The statement's parameters for an input (names match the placeholders of `appCustomerUpsert`). */
const paramsOf = (input: AppUserFields) => ({
  appUserId: input.appUserId,
  email: input.email ? input.email.toLowerCase() : null,
  name: input.name || null,
  emailVerified: input.emailVerified ?? null,
  signedUpAt: input.signedUpAt?.toISOString() ?? null,
  at: input.asOf?.toISOString() ?? null,
});

const param = (name: keyof ReturnType<typeof paramsOf>, type: string) =>
  sql`${sql.placeholder(name)}::${sql.raw(type)}`;

/** `col = excluded.col` when the event carries the field and is newer than the field's last write. */
function newer(column: string, stampColumn: string, hasValue: boolean, timed: boolean) {
  const col = sql.raw(`"${column}"`);
  const stamp = sql.raw(`"${stampColumn}"`);
  const value = sql.raw(`excluded."${column}"`);
  if (!hasValue) return { value: sql`customers.${col}`, stamp: sql`customers.${stamp}` };
  if (!timed) return { value: sql`coalesce(customers.${col}, ${value})`, stamp: sql`customers.${stamp}` };
  const wins = sql`(customers.${stamp} is null or customers.${stamp} <= excluded.${stamp})`;
  return {
    value: sql`case when ${wins} then ${value} else customers.${col} end`,
    stamp: sql`case when ${wins} then excluded.${stamp} else customers.${stamp} end`,
  };
}

/** The insert-or-update of an app user's customer, each field only when newer than its last write. */
function appCustomerUpsert(db: Db, s: Shape) {
  const at = s.timed ? param("at", "timestamptz") : null;
  const stamped = (has: boolean): SQL | null => (has ? at : null);
  const e = newer("email", "email_updated_at", s.email, s.timed);
  const n = newer("name", "name_updated_at", s.name, s.timed);
  const v = newer("email_verified", "email_verified_updated_at", s.verified, s.timed);
  return db
    .insert(customers)
    .values({
      appUserId: param("appUserId", "text"),
      email: s.email ? param("email", "text") : null,
      name: s.name ? param("name", "text") : null,
      emailVerified: s.verified ? param("emailVerified", "boolean") : null,
      signedUpAt: s.signedUp ? param("signedUpAt", "timestamptz") : null,
      profileUpdatedAt: at,
      emailUpdatedAt: stamped(s.email),
      nameUpdatedAt: stamped(s.name),
      emailVerifiedUpdatedAt: stamped(s.verified),
    })
    .onConflictDoUpdate({
      target: customers.appUserId,
      set: {
        email: e.value,
        emailUpdatedAt: e.stamp,
        name: n.value,
        nameUpdatedAt: n.stamp,
        emailVerified: v.value,
        emailVerifiedUpdatedAt: v.stamp,
        signedUpAt: sql`coalesce(excluded.signed_up_at, ${customers.signedUpAt})`,
        profileUpdatedAt: sql`greatest(${customers.profileUpdatedAt}, excluded.profile_updated_at)`,
        updatedAt: sql`now()`,
      },
    });
}

/** The customer columns of a CTE over `customers` (drizzle selects no whole CTE row as one nested field). */
const customerColumnsOf = (cte: object) =>
  Object.fromEntries(
    Object.keys(getTableColumns(customers)).map((k) => [k, (cte as Record<string, unknown>)[k]]),
  ) as unknown as ReturnType<typeof getTableColumns<typeof customers>>;

/** The upsert, its `app` identity and what the counting/projection columns read, as one prepared statement. */
function prepareCounting(db: Db, s: Shape, name: string) {
  const upserted = db.$with("upserted").as(appCustomerUpsert(db, s).returning());
  // The app identity, as linkIdentity(customer, "app", appUserId, "id") makes it (a verified link by id).
  const linked = db.$with("linked", { id: identities.id }).as(sql`
    insert into identities (customer_id, system, external_id, matched_by, verified, last_synced_at)
    select id, 'app', app_user_id, 'id', true, now() from upserted
    on conflict (customer_id, system) do update set external_id = excluded.external_id,
      matched_by = excluded.matched_by, verified = true, last_synced_at = now(), updated_at = now()
    returning id`);
  return db
    .with(upserted, linked)
    .select({
      ...customerColumnsOf(upserted),
      provisionalWithEmail: sql<number>`(select count(*)::int from customers p where p.provisional and lower(p.email) = lower("upserted"."email"))`,
      // What the HubSpot projection adds to the row (customerProjectionRow), as of this statement: sync-crm
      // of the same run uses it instead of reading it again.
      entitlementStatus: sql<
        string | null
      >`(select e.status::text from entitlements e where e.customer_id = "upserted"."id")`,
      entitlementPlan: sql<string | null>`(select e.plan from entitlements e where e.customer_id = "upserted"."id")`,
      stripeCustomerId: sql<
        string | null
      >`(select i.external_id from identities i where i.customer_id = "upserted"."id" and i.system = 'stripe' limit 1)`,
    })
    .from(upserted)
    .prepare(name);
}

const prepared = new WeakMap<Db, Map<string, ReturnType<typeof prepareCounting>>>();

function countingStatement(db: Db, s: Shape) {
  let byShape = prepared.get(db);
  if (!byShape) {
    byShape = new Map();
    prepared.set(db, byShape);
  }
  const key = shapeKey(s);
  let statement = byShape.get(key);
  if (!statement) {
    statement = prepareCounting(db, s, `upsert_app_customer_${key}`);
    byShape.set(key, statement);
  }
  return statement;
}

/**
 * `upsertAppCustomer` in one statement (the customer, its `app` identity, and how many payers not yet claimed
 * share its email, so the common case of none costs no further query): a signup's identity in one commit.
 * Also answers what the HubSpot projection reads besides the row (`projection`).
 */
export async function upsertAppCustomerCounting(
  db: Db,
  input: AppUserFields,
): Promise<{ customer: Customer; provisionalWithEmail: number; projection?: CarriedProjection }> {
  const shape = shapeOf(input);
  try {
    const [row] = await countingStatement(db, shape).execute(paramsOf(input));
    const { provisionalWithEmail, entitlementStatus, entitlementPlan, stripeCustomerId, ...customer } = row!;
    const entitlement = entitlementStatus ? { status: entitlementStatus, plan: entitlementPlan } : null;
    return {
      customer: customer as Customer,
      provisionalWithEmail: Number(provisionalWithEmail),
      projection: { entitlement, stripeCustomerId },
    };
  } catch (err) {
    // The app user id is already linked to another customer (a unique violation): the statement wrote
    // nothing; the step-by-step path keeps that link, as linkIdentity does.
    if ((err as { cause?: { code?: string } }).cause?.code !== "23505") throw err;
    await appCustomerUpsert(db, shape).execute(paramsOf(input));
    const row = (await customerByAppUserId(db, input.appUserId))!;
    await linkIdentity(db, row.id, "app", input.appUserId, "id");
    const provisional = row.email ? await provisionalCustomersByEmail(db, row.email) : [];
    return { customer: row, provisionalWithEmail: provisional.length };
  }
}
