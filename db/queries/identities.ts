// The unified identity: one customer per app user, and one identity row per external id, with how
// each link was made (`id` from our own reference, `email` when only an email matched: unverified).
import { and, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import { type Db, inTransaction } from "@/db";
import {
  alerts,
  customers,
  entitlements,
  events,
  identities,
  supportTickets,
  type Customer,
  type Entitlement,
  type Identity,
} from "@/db/schema";

type System = "app" | "stripe" | "hubspot" | "zendesk" | "intercom";

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

/** Creates the customer of an app user, or applies the fields given (per-field recency); returns it. */
export async function upsertAppCustomer(db: Db, input: AppUserFields): Promise<Customer> {
  return (await upsertAppCustomerCounting(db, input)).customer;
}

/** The insert-or-update of an app user's customer, each field only when newer than its last write. */
function appCustomerUpsert(db: Db, input: AppUserFields) {
  const email = input.email ? input.email.toLowerCase() : null;
  const timed = input.asOf !== undefined;
  const at = input.asOf ?? null;
  const e = newer("email", "email_updated_at", email !== null, timed);
  const n = newer("name", "name_updated_at", !!input.name, timed);
  const v = newer("email_verified", "email_verified_updated_at", input.emailVerified !== undefined, timed);
  return db
    .insert(customers)
    .values({
      appUserId: input.appUserId,
      email,
      name: input.name || null,
      emailVerified: input.emailVerified ?? null,
      signedUpAt: input.signedUpAt ?? null,
      profileUpdatedAt: at,
      emailUpdatedAt: email ? at : null,
      nameUpdatedAt: input.name ? at : null,
      emailVerifiedUpdatedAt: input.emailVerified !== undefined ? at : null,
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
        updatedAt: new Date(),
      },
    });
}

/** The customer columns of a CTE over `customers` (drizzle selects no whole CTE row as one nested field). */
const customerColumnsOf = (cte: object) =>
  Object.fromEntries(
    Object.keys(getTableColumns(customers)).map((k) => [k, (cte as Record<string, unknown>)[k]]),
  ) as unknown as ReturnType<typeof getTableColumns<typeof customers>>;

/**
 * `upsertAppCustomer` in one statement (the customer, its `app` identity, and how many payers not yet claimed
 * share its email, so the common case of none costs no further query): a signup's identity in one commit.
 */
export async function upsertAppCustomerCounting(
  db: Db,
  input: AppUserFields,
): Promise<{ customer: Customer; provisionalWithEmail: number; projection?: CarriedProjection }> {
  const upserted = db.$with("upserted").as(appCustomerUpsert(db, input).returning());
  // The app identity, as linkIdentity(customer, "app", appUserId, "id") makes it (a verified link by id).
  const linked = db.$with("linked", { id: identities.id }).as(sql`
    insert into identities (customer_id, system, external_id, matched_by, verified, last_synced_at)
    select id, 'app', app_user_id, 'id', true, now() from upserted
    on conflict (customer_id, system) do update set external_id = excluded.external_id,
      matched_by = excluded.matched_by, verified = true, last_synced_at = now(), updated_at = now()
    returning id`);
  try {
    const [row] = await db
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
      .from(upserted);
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
    await appCustomerUpsert(db, input);
    const row = (await customerByAppUserId(db, input.appUserId))!;
    await linkIdentity(db, row.id, "app", input.appUserId, "id");
    const provisional = row.email ? await provisionalCustomersByEmail(db, row.email) : [];
    return { customer: row, provisionalWithEmail: provisional.length };
  }
}

/** The key of a provisional customer: a payer the app has not announced, known by their Stripe customer. */
export const provisionalKey = (stripeCustomerId: string) => `stripe:${stripeCustomerId}`;

/** The provisional customer of a Stripe customer, created on first sight with the Stripe link (by id). */
export async function upsertProvisionalCustomer(
  db: Db,
  stripeCustomerId: string,
  email: string | null,
): Promise<Customer> {
  const appUserId = provisionalKey(stripeCustomerId);
  await db
    .insert(customers)
    .values({ appUserId, email: email?.toLowerCase() ?? null, provisional: true })
    .onConflictDoUpdate({
      target: customers.appUserId,
      set: { email: sql`coalesce(${customers.email}, excluded.email)`, updatedAt: new Date() },
    });
  const row = (await customerByAppUserId(db, appUserId))!;
  await linkIdentity(db, row.id, "stripe", stripeCustomerId, "id");
  return row;
}

/** Provisional customers (payers not yet claimed by an app user) with this email. */
export async function provisionalCustomersByEmail(db: Db, email: string): Promise<Customer[]> {
  return db
    .select()
    .from(customers)
    .where(and(eq(customers.provisional, true), sql`lower(${customers.email}) = ${email.toLowerCase()}`))
    .limit(10);
}

/** App customers (not provisional) with this email: the candidates a payer's email may belong to. */
export async function appCustomersByEmail(db: Db, email: string): Promise<Customer[]> {
  return db
    .select()
    .from(customers)
    .where(and(eq(customers.provisional, false), sql`lower(${customers.email}) = ${email.toLowerCase()}`))
    .limit(2);
}

/** Records that `appUserId` claims this provisional customer and waits for the founder (unverified email). */
export async function markPendingClaim(db: Db, provisionalId: string, appUserId: string): Promise<void> {
  await db
    .update(customers)
    .set({ pendingClaimAppUserId: appUserId, pendingClaimAt: new Date(), updatedAt: new Date() })
    .where(
      and(
        eq(customers.id, provisionalId),
        eq(customers.provisional, true),
        sql`${customers.pendingClaimAppUserId} is distinct from ${appUserId}`,
      ),
    );
}

/** Clears a pending claim (the founder said it is not the same person). */
export async function clearPendingClaim(db: Db, provisionalId: string): Promise<void> {
  await db
    .update(customers)
    .set({ pendingClaimAppUserId: null, pendingClaimAt: null, updatedAt: new Date() })
    .where(eq(customers.id, provisionalId));
}

/** Provisional customers an app user's claim waits on (shown on that user's page). */
export async function pendingClaimsOf(db: Db, appUserId: string): Promise<Customer[]> {
  return db.select().from(customers).where(eq(customers.pendingClaimAppUserId, appUserId)).limit(10);
}

export type MergeOutcome = { merged: boolean; moved: string[]; dropped: string[] };

/**
 * Merges a provisional customer into an app user's customer, in one transaction: its identities (unless the
 * app customer already has one in that system: the app customer's wins and the other is dropped), its
 * entitlement (the newer of the two by Stripe time), and its events, tickets and alerts; then deletes it.
 * `stripeLink` says how the moved Stripe link now counts (by email, verified or not, or confirmed by hand).
 * Idempotent: merging a customer that is already gone answers `merged: false`.
 */
export async function mergeProvisionalCustomer(
  db: Db,
  fromId: string,
  intoId: string,
  stripeLink: { matchedBy: "id" | "email" | "manual"; verified: boolean },
): Promise<MergeOutcome> {
  return inTransaction(db, async (tx) => {
    // Both rows locked (in id order, so two merges never deadlock); a merge that lost a race finds `from` gone.
    const rows = await tx
      .select()
      .from(customers)
      .where(inArray(customers.id, [fromId, intoId]))
      .orderBy(customers.id)
      .for("update");
    const from = rows.find((r) => r.id === fromId);
    const into = rows.find((r) => r.id === intoId);
    if (!from?.provisional || !into || fromId === intoId) return { merged: false, moved: [], dropped: [] };
    const fromLinks = await tx.select().from(identities).where(eq(identities.customerId, fromId));
    const intoSystems = new Set(
      (await tx.select().from(identities).where(eq(identities.customerId, intoId))).map((i) => i.system),
    );
    const moved: string[] = [];
    const dropped: string[] = [];
    for (const link of fromLinks) {
      if (intoSystems.has(link.system)) {
        dropped.push(`${link.system}:${link.externalId}`);
        await tx.delete(identities).where(eq(identities.id, link.id));
        continue;
      }
      moved.push(`${link.system}:${link.externalId}`);
      await tx
        .update(identities)
        .set({
          customerId: intoId,
          ...(link.system === "stripe" ? stripeLink : {}),
          updatedAt: new Date(),
        })
        .where(eq(identities.id, link.id));
    }
    const [fromEnt] = await tx.select().from(entitlements).where(eq(entitlements.customerId, fromId)).limit(1);
    if (fromEnt) {
      const [intoEnt] = await tx.select().from(entitlements).where(eq(entitlements.customerId, intoId)).limit(1);
      const fromNewer =
        !intoEnt ||
        intoEnt.status === "none" ||
        (fromEnt.sourceUpdatedAt?.getTime() ?? 0) >= (intoEnt.sourceUpdatedAt?.getTime() ?? 0);
      if (fromNewer) {
        if (intoEnt) await tx.delete(entitlements).where(eq(entitlements.customerId, intoId));
        await tx
          .update(entitlements)
          .set({ customerId: intoId, updatedAt: new Date() })
          .where(eq(entitlements.customerId, fromId));
      }
    }
    await tx.update(events).set({ customerId: intoId }).where(eq(events.customerId, fromId));
    await tx.update(supportTickets).set({ customerId: intoId }).where(eq(supportTickets.customerId, fromId));
    await tx.update(alerts).set({ customerId: intoId }).where(eq(alerts.customerId, fromId));
    if (!into.email && from.email)
      await tx.update(customers).set({ email: from.email, updatedAt: new Date() }).where(eq(customers.id, intoId));
    await tx.delete(customers).where(eq(customers.id, fromId));
    return { merged: true, moved, dropped };
  });
}

/**
 * Links an external id to a customer. Idempotent; an existing link of that external id wins (a
 * different customer keeps it), and a verified link is never downgraded to an email match.
 */
export async function linkIdentity(
  db: Db,
  customerId: string,
  system: System,
  externalId: string,
  matchedBy: "id" | "email" | "manual",
): Promise<LinkOutcome> {
  const verified = matchedBy !== "email";
  return db
    .insert(identities)
    .values({ customerId, system, externalId, matchedBy, verified, lastSyncedAt: new Date() })
    .onConflictDoUpdate({
      target: [identities.customerId, identities.system],
      set: {
        externalId: sql`case when ${identities.verified} and not excluded.verified then ${identities.externalId} else excluded.external_id end`,
        matchedBy: sql`case when ${identities.verified} and not excluded.verified then ${identities.matchedBy} else excluded.matched_by end`,
        verified: sql`${identities.verified} or excluded.verified`,
        lastSyncedAt: new Date(),
        updatedAt: new Date(),
      },
    })
    .then((): LinkOutcome => ({ linked: true }))
    .catch(async (err): Promise<LinkOutcome> => {
      // (system, external id) already belongs to someone: keep that link, and say whose it is.
      if ((err as { cause?: { code?: string } }).cause?.code !== "23505") throw err;
      const owner = await customerByIdentity(db, system, externalId);
      if (!owner) throw err;
      return owner.id === customerId ? { linked: true } : { linked: false, owner };
    });
}

/** Whether a link was made, or the external id already belongs to another customer (who keeps it). */
export type LinkOutcome = { linked: true } | { linked: false; owner: Customer };

export async function customerByIdentity(db: Db, system: System, externalId: string): Promise<Customer | undefined> {
  const [row] = await db
    .select({ customer: customers })
    .from(identities)
    .innerJoin(customers, eq(customers.id, identities.customerId))
    .where(and(eq(identities.system, system), eq(identities.externalId, externalId)))
    .limit(1);
  return row?.customer;
}

export async function customerByAppUserId(db: Db, appUserId: string): Promise<Customer | undefined> {
  const [row] = await db.select().from(customers).where(eq(customers.appUserId, appUserId)).limit(1);
  return row;
}

/** The one app customer (not provisional) with this email; none when two share it (no guess). */
export async function customerByEmail(db: Db, email: string): Promise<Customer | undefined> {
  const rows = await appCustomersByEmail(db, email);
  return rows.length === 1 ? rows[0] : undefined;
}

export async function identityOf(db: Db, customerId: string, system: System): Promise<string | undefined> {
  return (await identityLink(db, customerId, system))?.externalId;
}

/** The customer's link in `system` (the whole row: how it was matched, whether verified). */
export async function identityLink(db: Db, customerId: string, system: System): Promise<Identity | undefined> {
  const [row] = await db
    .select()
    .from(identities)
    .where(and(eq(identities.customerId, customerId), eq(identities.system, system)))
    .limit(1);
  return row;
}

/** The founder confirmed an email match: the link becomes verified. */
export async function markIdentityVerified(db: Db, identityId: string): Promise<void> {
  await db.update(identities).set({ verified: true, updatedAt: new Date() }).where(eq(identities.id, identityId));
}

export async function deleteIdentity(db: Db, identityId: string): Promise<void> {
  await db.delete(identities).where(eq(identities.id, identityId));
}

/**
 * Links an external id chosen by the founder (verified, `manual`), replacing the customer's link in that
 * system. Throws a unique violation when the id belongs to another customer.
 */
export async function linkIdentityManually(
  db: Db,
  customerId: string,
  system: System,
  externalId: string,
): Promise<void> {
  await db
    .insert(identities)
    .values({ customerId, system, externalId, matchedBy: "manual", verified: true })
    .onConflictDoUpdate({
      target: [identities.customerId, identities.system],
      set: { externalId, matchedBy: "manual", verified: true, updatedAt: new Date() },
    });
}

/** What the HubSpot projection reads besides the customer row: its entitlement's status and plan, its Stripe id. */
export type CarriedProjection = {
  entitlement: { status: string; plan: string | null } | null;
  stripeCustomerId: string | null;
};

/** The customer row with its entitlement (none yet: null), what the HubSpot projection is written from. */
export async function customerWithEntitlement(
  db: Db,
  customerId: string,
): Promise<{ customer: Customer; entitlement: Entitlement | null } | undefined> {
  const [row] = await db
    .select({ customer: customers, entitlement: entitlements })
    .from(customers)
    .leftJoin(entitlements, eq(entitlements.customerId, customers.id))
    .where(eq(customers.id, customerId))
    .limit(1);
  return row;
}

/**
 * What the HubSpot projection is written from, in one query: the customer, its entitlement (none yet: null)
 * and its Stripe customer id.
 */
export async function customerProjectionRow(
  db: Db,
  customerId: string,
): Promise<{ customer: Customer; entitlement: Entitlement | null; stripeCustomerId: string | null } | undefined> {
  const [row] = await db
    .select({
      customer: customers,
      entitlement: entitlements,
      stripeCustomerId: sql<
        string | null
      >`(select i.external_id from identities i where i.customer_id = "customers"."id" and i.system = 'stripe' limit 1)`,
    })
    .from(customers)
    .leftJoin(entitlements, eq(entitlements.customerId, customers.id))
    .where(eq(customers.id, customerId))
    .limit(1);
  return row;
}

/** The customers of many external ids of one system, in one query: external id → customer id. */
export async function customerIdsByExternalIds(
  db: Db,
  system: System,
  externalIds: string[],
): Promise<Map<string, string>> {
  if (!externalIds.length) return new Map();
  const rows = await db
    .select({ externalId: identities.externalId, customerId: identities.customerId })
    .from(identities)
    .where(and(eq(identities.system, system), inArray(identities.externalId, externalIds)));
  return new Map(rows.map((r) => [r.externalId, r.customerId]));
}
