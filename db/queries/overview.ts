// The overview figures: one round trip, each count served by an index (events by received_at and
// status, alerts by status, rejected deliveries by last_at, open drift by the partial unique index).
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";

export type Overview = {
  /** Events received since 00:00 UTC today. */
  eventsToday: number;
  failedEvents: number;
  /** Events waiting to be processed: received or processing. */
  backlog: number;
  /** When the oldest waiting event arrived (null when the backlog is empty). */
  oldestBacklogAt: Date | null;
  openAlerts: number;
  customers: number;
  /** Webhook deliveries refused in the last 24 hours (each aggregate row counts for its count). */
  rejectedDeliveries24h: number;
  /** Events the backfill found in the last 24 h: each one a webhook delivery that never reached us. */
  backfilled24h: number;
  /** Open drift findings: where Stripe, HubSpot or Zendesk differs from our records. */
  openDrift: number;
  /** The start of "today" used for eventsToday (UTC midnight). */
  todayStart: Date;
  /** The start of the 24-hour window of rejectedDeliveries24h and backfilled24h (their links filter on it). */
  dayAgo: Date;
};

export function utcDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export async function getOverview(db: Db, now: Date = new Date()): Promise<Overview> {
  const todayStart = utcDayStart(now);
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const [row] = await rowsOf<Record<string, number | string | Date | null>>(
    db.execute(sql`
      select
        (select count(*) from events where received_at >= ${todayStart.toISOString()}::timestamptz) as events_today,
        (select count(*) from events where status = 'failed') as failed_events,
        (select count(*) from events where status in ('received', 'processing')) as backlog,
        (select min(case when status = 'received' and attempts > 0 then updated_at else received_at end) from events where status in ('received', 'processing')) as oldest_backlog_at,
        (select count(*) from alerts where status = 'open') as open_alerts,
        (select count(*) from customers) as customers,
        (select coalesce(sum(count), 0) from rejected_deliveries where last_at >= ${dayAgo.toISOString()}::timestamptz) as rejected_deliveries_24h,
        (select count(*) from events where arrived_via = 'backfill' and received_at >= ${dayAgo.toISOString()}::timestamptz) as backfilled_24h,
        (select count(*) from drift_findings where resolved_at is null) as open_drift
    `),
  );
  const oldest = row?.oldest_backlog_at;
  return {
    eventsToday: Number(row?.events_today ?? 0),
    failedEvents: Number(row?.failed_events ?? 0),
    backlog: Number(row?.backlog ?? 0),
    oldestBacklogAt: oldest ? new Date(oldest as string | Date) : null,
    openAlerts: Number(row?.open_alerts ?? 0),
    customers: Number(row?.customers ?? 0),
    rejectedDeliveries24h: Number(row?.rejected_deliveries_24h ?? 0),
    backfilled24h: Number(row?.backfilled_24h ?? 0),
    openDrift: Number(row?.open_drift ?? 0),
    todayStart,
    dayAgo,
  };
}

// ---- Needs attention: each open problem with who, which system, what went wrong and since when ----

/** A customer as a problem names them: name first, email next, the app user id last. */
export type AttentionCustomer = { appUserId: string; name: string | null; email: string | null };
/** The failing step's error fields (event_steps), what lib/errors/explain reads. */
export type AttentionError = {
  service: string | null;
  status: number | null;
  code: string | null;
  message: string | null;
  raw: string | null;
};

export type AttentionItem =
  | {
      kind: "failed-event";
      eventId: string;
      eventType: string;
      source: string;
      externalId: string;
      step: string | null;
      customer: AttentionCustomer | null;
      error: AttentionError;
      since: Date;
    }
  /** A service refusing our credentials (401/403): one item for every event it failed, fixed on Readiness. */
  | { kind: "credential"; service: string; failedEvents: number; error: AttentionError; since: Date }
  | {
      kind: "alert";
      alertId: string;
      alertKind: "billing" | "ops";
      severity: "info" | "warning" | "critical";
      title: string;
      message: string | null;
      eventId: string | null;
      customer: AttentionCustomer | null;
      since: Date;
    }
  /** An email-only match waiting for the founder's confirmation (identities.verified = false). */
  | { kind: "identity-match"; customer: AttentionCustomer; system: string; externalId: string; since: Date }
  /** A payer claimed by an app user whose email is unverified (customers.pending_claim_app_user_id). */
  | { kind: "claim"; payerKey: string; payerEmail: string | null; owner: AttentionCustomer; since: Date }
  | {
      kind: "drift";
      findingId: string;
      customer: AttentionCustomer;
      system: string;
      field: string;
      expected: string | null;
      actual: string | null;
      since: Date;
    };

export type NeedsAttention = {
  items: AttentionItem[];
  /** Failed events beyond those listed (Events → Failed shows them all). */
  moreFailedEvents: number;
  /** Drift findings beyond those listed. */
  moreDrift: number;
};

const AUTH_STATUSES = sql`(401, 403)`;
/** Ops rules whose alert only repeats what the list already says (the failed events, the credential). */
const FOLDED_RULES = sql`('auth-errors', 'failure-rate', 'failed-webhooks', 'support-failures')`;

type Row = Record<string, unknown>;
const date = (v: unknown) => new Date(v as string | Date);
const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
const customerOf = (r: Row): AttentionCustomer | null =>
  r.app_user_id
    ? { appUserId: String(r.app_user_id), name: text(r.customer_name), email: text(r.customer_email) }
    : null;
const errorOf = (r: Row): AttentionError => ({
  service: text(r.error_service),
  status: r.error_status === null || r.error_status === undefined ? null : Number(r.error_status),
  code: text(r.error_code),
  message: text(r.error_message),
  raw: text(r.last_error),
});

/**
 * Every open problem, most urgent first: refused credentials (one per service, whatever the number of events
 * they failed), failed events (newest `limit`), open alerts not already said by another item, identity matches
 * and claims to confirm, drift to repair. Each read is bounded and served by an index (events by status,
 * alerts by status, the partial indexes of claims and open drift).
 */
export async function getNeedsAttention(db: Db, limit = 8): Promise<NeedsAttention> {
  const failedStep = sql`left join event_steps s on s.event_id = e.id and s.step = e.failed_step`;
  const [credentials, failed, [failedTotal], alertRows, matches, claims, drift, [driftTotal]] = await Promise.all([
    // From the failed steps (event_steps_status_idx): a handful of rows, however many events failed.
    rowsOf<Row>(
      db.execute(sql`select s.error_service, count(*)::int as n, min(e.received_at) as since,
                       max(s.error_status) as error_status, max(s.error_code) as error_code,
                       max(s.error_message) as error_message, max(s.last_error) as last_error
                     from event_steps s join events e on e.id = s.event_id and e.failed_step = s.step
                     where s.status = 'failed' and s.error_status in ${AUTH_STATUSES} and e.status = 'failed'
                     group by s.error_service order by s.error_service`),
    ),
    rowsOf<Row>(
      db.execute(sql`select e.id, e.type, e.source, e.external_id, e.failed_step, e.received_at,
                       c.app_user_id, c.name as customer_name, c.email as customer_email,
                       s.error_service, s.error_status, s.error_code, s.error_message, coalesce(s.last_error, e.last_error) as last_error
                     from events e ${failedStep} left join customers c on c.id = e.customer_id
                     where e.status = 'failed' and coalesce(s.error_status, 0) not in ${AUTH_STATUSES}
                     order by e.received_at desc limit ${limit}`),
    ),
    // Every failed event (an index-only count); the credential ones are subtracted below.
    rowsOf<{ n: number }>(db.execute(sql`select count(*)::int as n from events where status = 'failed'`)),
    rowsOf<Row>(
      db.execute(sql`select a.id, a.kind, a.severity, a.title, a.message, a.event_id, a.opened_at,
                       c.app_user_id, c.name as customer_name, c.email as customer_email
                     from alerts a left join customers c on c.id = a.customer_id
                     where a.status = 'open' and a.severity <> 'info'
                       and coalesce(a.rule, '') not in ${FOLDED_RULES} and a.details->>'causedBy' is null
                     order by a.severity desc, a.opened_at desc limit ${limit}`),
    ),
    rowsOf<Row>(
      db.execute(sql`select i.system, i.external_id, i.created_at, c.app_user_id, c.name as customer_name, c.email as customer_email
                     from identities i join customers c on c.id = i.customer_id
                     where i.verified = false order by i.created_at limit ${limit}`),
    ),
    rowsOf<Row>(
      db.execute(sql`select p.app_user_id as payer_key, p.email as payer_email, coalesce(p.pending_claim_at, p.updated_at) as pending_claim_at,
                       c.app_user_id, c.name as customer_name, c.email as customer_email
                     from customers p join customers c on c.app_user_id = p.pending_claim_app_user_id
                     where p.pending_claim_app_user_id is not null order by p.pending_claim_at limit ${limit}`),
    ),
    rowsOf<Row>(
      db.execute(sql`select d.id, d.system, d.field, d.expected, d.actual, d.detected_at,
                       c.app_user_id, c.name as customer_name, c.email as customer_email
                     from drift_findings d join customers c on c.id = d.customer_id
                     where d.resolved_at is null order by d.detected_at limit ${limit}`),
    ),
    rowsOf<{ n: number }>(db.execute(sql`select count(*)::int as n from drift_findings where resolved_at is null`)),
  ]);
  const items: AttentionItem[] = [
    ...credentials.map((r) => ({
      kind: "credential" as const,
      service: String(r.error_service ?? "unknown"),
      failedEvents: Number(r.n),
      error: errorOf(r),
      since: date(r.since),
    })),
    ...failed.map((r) => ({
      kind: "failed-event" as const,
      eventId: String(r.id),
      eventType: String(r.type),
      source: String(r.source),
      externalId: String(r.external_id),
      step: text(r.failed_step),
      customer: customerOf(r),
      error: errorOf(r),
      since: date(r.received_at),
    })),
    ...alertRows.map((r) => ({
      kind: "alert" as const,
      alertId: String(r.id),
      alertKind: r.kind as "billing" | "ops",
      severity: r.severity as "info" | "warning" | "critical",
      title: String(r.title),
      message: text(r.message),
      eventId: text(r.event_id),
      customer: customerOf(r),
      since: date(r.opened_at),
    })),
    ...claims.map((r) => ({
      kind: "claim" as const,
      payerKey: String(r.payer_key),
      payerEmail: text(r.payer_email),
      owner: customerOf(r)!,
      since: date(r.pending_claim_at ?? new Date(0)),
    })),
    ...matches.map((r) => ({
      kind: "identity-match" as const,
      customer: customerOf(r)!,
      system: String(r.system),
      externalId: String(r.external_id),
      since: date(r.created_at),
    })),
    ...drift.map((r) => ({
      kind: "drift" as const,
      findingId: String(r.id),
      customer: customerOf(r)!,
      system: String(r.system),
      field: String(r.field),
      expected: text(r.expected),
      actual: text(r.actual),
      since: date(r.detected_at),
    })),
  ];
  return {
    items,
    moreFailedEvents: Math.max(
      0,
      (failedTotal?.n ?? 0) - credentials.reduce((sum, r) => sum + Number(r.n), 0) - failed.length,
    ),
    moreDrift: Math.max(0, (driftTotal?.n ?? 0) - drift.length),
  };
}
