// Health figures for GET /api/health and the overview: database, migrations, jobs driver, backlog.
import { sql } from "drizzle-orm";
import { getDbHandle, migrationStatus, rowsOf } from "@/db";
import { env } from "../env";

export type Health = {
  status: "ok" | "degraded" | "down";
  database: { ok: boolean; driver: "postgres" | "pglite" | "unknown"; latencyMs?: number; error?: string };
  migrations: { current: boolean; applied: number; expected: number } | null;
  jobs: { driver: "inline" | "inngest" };
  backlog: { received: number; processing: number; failed: number; oldestWaitingSeconds: number | null } | null;
  time: string;
};

export async function getHealth(): Promise<Health> {
  const time = new Date().toISOString();
  const jobs = { driver: env.JOBS_DRIVER };
  try {
    const handle = await getDbHandle();
    const started = performance.now();
    const [counts] = await rowsOf<{ received: number; processing: number; failed: number; oldest: string | null }>(
      handle.db.execute(sql`
        select count(*) filter (where status = 'received')::int as received,
               count(*) filter (where status = 'processing')::int as processing,
               count(*) filter (where status = 'failed')::int as failed,
               min(received_at) filter (where status in ('received', 'processing')) as oldest
        from events where status in ('received', 'processing', 'failed')`),
    );
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const migrations = await migrationStatus(handle.db);
    const oldest = counts?.oldest ? new Date(counts.oldest) : null;
    return {
      status: migrations.current ? "ok" : "degraded",
      database: { ok: true, driver: handle.driver, latencyMs },
      migrations,
      jobs,
      backlog: {
        received: counts?.received ?? 0,
        processing: counts?.processing ?? 0,
        failed: counts?.failed ?? 0,
        oldestWaitingSeconds: oldest ? Math.max(0, Math.round((Date.now() - oldest.getTime()) / 1000)) : null,
      },
      time,
    };
  } catch (err) {
    return {
      status: "down",
      database: { ok: false, driver: "unknown", error: err instanceof Error ? err.message.split("\n")[0] : "unreachable" },
      migrations: null,
      jobs,
      backlog: null,
      time,
    };
  }
}
