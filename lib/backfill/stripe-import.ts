// The adoption import: customers who paid before the console was installed have no entitlement or contact
// until their next invoice. This pages through Stripe's customers and stores one `import.stripe_customer`
// event per customer (id `import_<cus_…>`: a second run stores nothing new), which the normal pipeline turns
// into the customer (by metadata.app_user_id, an email match, or a payer not in the app yet), the entitlement
// from the current subscription, and the HubSpot contact, within the pipeline's own retries and rate limits.
// Resumable: the last page done is kept in `sync_cursors` (one run at a time, by lease).
import type Stripe from "stripe";
import { type Db, getDb } from "@/db";
import { audit } from "@/db/queries/audit";
import type { SchedulableEvent } from "@/db/queries/event-processing";
import {
  acquireSyncLease,
  eventsOfTypeByStatus,
  getSyncCursor,
  releaseSyncLease,
  renewSyncLease,
  saveSyncCursor,
} from "@/db/queries/sync-cursors";
import { type StoreInput, storeEvents } from "@/lib/ingest/store";
import { erasedHashesAmong } from "@/db/queries/erasures";
import { subjectHash } from "@/lib/erasure/subjects";
import type { Actor } from "@/lib/auth/roles";
import { getServices } from "@/lib/integrations";
import { classifyStripeError } from "@/lib/integrations/stripe/errors";
import { replayLater } from "@/lib/jobs";
import { IMPORTED_CUSTOMER_TYPE } from "@/lib/pipeline/handlers/stripe/customer-imported";
import { fail, type Result } from "@/lib/result";

export const IMPORT_CURSOR = "stripe-import";
const LEASE_STALE_MS = 10 * 60_000;

/** Where the import stands (kept across runs): the last customer done, and the totals of this pass. */
type Cursor = {
  startingAfter?: string;
  done?: boolean;
  customers: number;
  stored: number;
  alreadyHad: number;
  /** Customers of erased people, skipped (not stored). */
  erased?: number;
};

export type ImportRun = {
  customers: number;
  stored: number;
  alreadyHad: number;
  /** Customers of erased people, skipped (not stored). */
  erased: number;
  done: boolean;
  message: string;
};
export type ImportProgress = {
  cursor: Cursor | null;
  running: boolean;
  lastRunAt: Date | null;
  /** The imported customers' events by status (received / processing / succeeded / failed). */
  events: Record<string, number>;
};

const cursorOf = (value: unknown): Cursor => {
  const c = (value ?? {}) as Partial<Cursor>;
  return { customers: 0, stored: 0, alreadyHad: 0, ...c };
};

/** The import event of one Stripe customer: an envelope shaped like Stripe's, so the steps read it alike. */
export function importEventOf(customer: Stripe.Customer, now: Date): StoreInput {
  const created = Math.floor(now.getTime() / 1000);
  const id = `import_${customer.id}`;
  const envelope = { id, object: "event", type: IMPORTED_CUSTOMER_TYPE, created, data: { object: customer } };
  return {
    source: "stripe",
    externalId: id,
    type: IMPORTED_CUSTOMER_TYPE,
    rawBody: JSON.stringify(envelope),
    occurredAt: now,
    status: "received",
    arrivedVia: "import",
  };
}

/** The Stripe customers on a page that belong to an erased person (by customer id, email or app user id). */
async function erasedCustomersOf(db: Db, page: Stripe.Customer[]): Promise<Set<string>> {
  const hashesOf = (c: Stripe.Customer) => [
    subjectHash("stripe", c.id),
    ...(c.email ? [subjectHash("email", c.email)] : []),
    ...(c.metadata?.app_user_id ? [subjectHash("app", c.metadata.app_user_id)] : []),
  ];
  const erased = await erasedHashesAmong(db, page.flatMap(hashesOf));
  return new Set(page.filter((c) => hashesOf(c).some((h) => erased.has(h))).map((c) => c.id));
}

/**
 * One run of the import: pages of `pageSize` customers until Stripe has no more or `timeBudgetMs` is spent
 * (then `done: false`, and the next run goes on from there). A finished pass starts over on the next run and
 * finds everything already imported. 409 when another run holds the lease.
 */
export async function importStripeCustomers(
  db: Db,
  stripe: Stripe,
  opts: {
    pageSize?: number;
    timeBudgetMs?: number;
    enqueue?: (events: SchedulableEvent[]) => Promise<void>;
  } = {},
): Promise<Result<ImportRun>> {
  const started = Date.now();
  const now = new Date();
  const lease = await acquireSyncLease(db, IMPORT_CURSOR, now, new Date(now.getTime() - LEASE_STALE_MS));
  if (!lease.row)
    return fail(409, "An import from Stripe is already running; its progress shows on the Customers page.");
  let held = lease.row.runningSince ?? now;
  const previous = cursorOf(lease.row.cursor);
  const cursor: Cursor = previous.done ? cursorOf(null) : previous;
  const run = { customers: 0, stored: 0, alreadyHad: 0, erased: 0 };
  const enqueue = opts.enqueue ?? ((events) => replayLater(events, "deliver"));
  try {
    for (;;) {
      const page = await stripe.customers
        .list({
          limit: opts.pageSize ?? 100,
          ...(cursor.startingAfter ? { starting_after: cursor.startingAfter } : {}),
        })
        .catch((err) => {
          throw classifyStripeError(err);
        });
      // An erased person is not imported again (not even stored): their Stripe customer, if Stripe still lists
      // it, is the anonymised one the erasure left for its last period.
      const erased = await erasedCustomersOf(db, page.data);
      run.erased += erased.size;
      cursor.erased = (cursor.erased ?? 0) + erased.size;
      const inputs = page.data.filter((c) => !erased.has(c.id)).map((c) => importEventOf(c, new Date()));
      const stored = inputs.length ? await storeEvents(db, inputs) : [];
      const fresh: SchedulableEvent[] = [];
      stored.forEach((row, i) => {
        if (row.duplicate) run.alreadyHad++;
        else {
          run.stored++;
          fresh.push({ id: row.id, source: "stripe", type: IMPORTED_CUSTOMER_TYPE, rawBody: inputs[i]!.rawBody });
        }
      });
      await enqueue(fresh);
      run.customers += page.data.length;
      cursor.customers += page.data.length;
      cursor.stored += fresh.length;
      cursor.alreadyHad += page.data.length - erased.size - fresh.length;
      cursor.startingAfter = page.data.at(-1)?.id ?? cursor.startingAfter;
      cursor.done = !page.has_more;
      const renewedAt = new Date();
      if (!(await renewSyncLease(db, IMPORT_CURSOR, held, renewedAt)))
        return fail(409, "The import's lease was taken over by another run; it goes on from there.");
      held = renewedAt;
      await saveSyncCursor(db, IMPORT_CURSOR, held, cursor);
      if (cursor.done || Date.now() - started > (opts.timeBudgetMs ?? 20_000)) break;
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await releaseSyncLease(db, IMPORT_CURSOR, held, { now: new Date(), result: { error: message }, cursor });
    return fail(
      502,
      `Stripe's customer list failed: ${message} Run the import again to go on from the last page done.`,
    );
  }
  const done = Boolean(cursor.done);
  const message = `${done ? "Import finished" : "Import paused (it goes on from here)"}: ${cursor.customers} Stripe customers read this pass, ${cursor.stored} queued for the pipeline, ${cursor.alreadyHad} imported before${cursor.erased ? `, ${cursor.erased} skipped (erased people)` : ""}.`;
  const result = { ...run, done, message };
  await releaseSyncLease(db, IMPORT_CURSOR, held, { now: new Date(), result, cursor });
  return { ok: true, ...result };
}

/** Where the import stands, for the console and the admin API. */
export async function importProgress(db: Db): Promise<ImportProgress> {
  const [row, byStatus] = await Promise.all([
    getSyncCursor(db, IMPORT_CURSOR),
    eventsOfTypeByStatus(db, IMPORTED_CUSTOMER_TYPE),
  ]);
  return {
    cursor: row?.cursor ? cursorOf(row.cursor) : null,
    running: Boolean(row?.runningSince),
    lastRunAt: row?.lastRunAt ?? null,
    events: byStatus,
  };
}

/** The import as the console and the admin API run it: on this process's database and Stripe; audited. */
export async function importStripeNow(actor: Actor): Promise<Result<ImportRun>> {
  const db = await getDb();
  const result = await importStripeCustomers(db, getServices().stripe);
  await auditImportRun(db, actor, result);
  return result;
}

/** The audit entry of one import run (console, admin API or `npm run import:stripe`). */
export async function auditImportRun(db: Db, actor: Actor, result: Result<ImportRun>): Promise<void> {
  await audit(
    db,
    actor,
    "stripe.import",
    null,
    result.ok
      ? { customers: result.customers, stored: result.stored, alreadyHad: result.alreadyHad, done: result.done }
      : { refused: result.status, error: result.error },
  );
}
