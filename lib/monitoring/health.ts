// Health figures for GET /api/health and the overview: database, migrations, jobs driver, backlog.
// Anyone may see the status; the figures (driver, counts, error text) are for the admin token or an admin.
import { getDbHandle, migrationStatus } from "@/db";
import { backlogCounts } from "@/db/queries/event-metrics";
import { jobsDriver } from "@/lib/jobs/driver";

export type Health = {
  status: "ok" | "degraded" | "down";
  database: { ok: boolean; driver: "postgres" | "pglite" | "unknown"; latencyMs?: number; error?: string };
  migrations: { current: boolean; applied: number; expected: number } | null;
  jobs: { driver: "inline" | "inngest" };
  backlog: { received: number; processing: number; failed: number; oldestWaitingSeconds: number | null } | null;
  time: string;
};

/** What GET /api/health tells anyone: the status (ok, degraded, down) and the time, nothing internal. */
export type PublicHealth = Pick<Health, "status" | "time">;

export function publicHealth(health: Health): PublicHealth {
  return { status: health.status, time: health.time };
}

export async function getHealth(): Promise<Health> {
  const time = new Date().toISOString();
  const jobs = { driver: jobsDriver() };
  try {
    const handle = await getDbHandle();
    const started = performance.now();
    const counts = await backlogCounts(handle.db);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const migrations = await migrationStatus(handle.db);
    const oldest = counts.oldestWaiting;
    return {
      status: migrations.current ? "ok" : "degraded",
      database: { ok: true, driver: handle.driver, latencyMs },
      migrations,
      jobs,
      backlog: {
        received: counts.received,
        processing: counts.processing,
        failed: counts.failed,
        oldestWaitingSeconds: oldest ? Math.max(0, Math.round((Date.now() - oldest.getTime()) / 1000)) : null,
      },
      time,
    };
  } catch (err) {
    return {
      status: "down",
      database: {
        ok: false,
        driver: "unknown",
        error: err instanceof Error ? err.message.split("\n")[0] : "unreachable",
      },
      migrations: null,
      jobs,
      backlog: null,
      time,
    };
  }
}
