// Reads the server's PostgreSQL directly (plain SQL): what was stored, in which state, and waiting for
// the pipeline to drain. The suite never writes here except to create console users.
import postgres from "postgres";

export type Sql = postgres.Sql;

export function connect(url: string): Sql {
  return postgres(url, { max: 4, onnotice: () => {}, connect_timeout: 10 });
}

export type StatusCounts = Record<"received" | "processing" | "succeeded" | "failed" | "ignored", number> & {
  total: number;
};

/** Event rows whose external id starts with `prefix`, by status. */
export async function statusCounts(sql: Sql, prefix: string): Promise<StatusCounts> {
  const rows = await sql<{ status: string; n: number }[]>`
    select status::text as status, count(*)::int as n from events where external_id like ${`${prefix}%`} group by status`;
  const counts: StatusCounts = { received: 0, processing: 0, succeeded: 0, failed: 0, ignored: 0, total: 0 };
  for (const r of rows) {
    counts[r.status as keyof Omit<StatusCounts, "total">] = r.n;
    counts.total += r.n;
  }
  return counts;
}

/** Waits until no event of `prefix` is `received` or `processing`; answers the milliseconds waited. */
export async function settle(sql: Sql, prefix: string, timeoutMs: number, expectedTotal?: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const c = await statusCounts(sql, prefix);
    if (c.received + c.processing === 0 && (expectedTotal === undefined || c.total >= expectedTotal))
      return Date.now() - started;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `events ${prefix}* did not settle within ${Math.round(timeoutMs / 1000)} s: ${JSON.stringify(c)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Row counts of the tables a stray request could touch. */
export async function tableCounts(sql: Sql): Promise<Record<string, number>> {
  const [row] = await sql<Record<string, number>[]>`
    select
      (select count(*)::int from events) as events,
      (select count(*)::int from events where status = 'ignored') as ignored,
      (select count(*)::int from event_steps) as event_steps,
      (select count(*)::int from customers) as customers,
      (select count(*)::int from identities) as identities,
      (select count(*)::int from entitlements) as entitlements,
      (select count(*)::int from support_tickets) as support_tickets,
      (select count(*)::int from audit_log where action <> 'access.refused') as audit_log,
      (select count(*)::int from users) as users`;
  return row!;
}

export function diffCounts(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(after))
    if (after[key] !== before[key]) out[key] = (after[key] ?? 0) - (before[key] ?? 0);
  return out;
}
