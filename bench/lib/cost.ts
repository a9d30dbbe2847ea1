// What the pipeline costs per event: server CPU (the server's whole process tree, Linux /proc) and database
// commits (`pg_stat_database.xact_commit` of the server's own database: every statement outside a
// transaction counts as one, reads included).
import fs from "node:fs";
import postgres from "postgres";
import { children } from "./memory";

/** CPU time (user + system, all threads) a process and its children have used so far, in ms. */
export function cpuMs(pid: number): number {
  let ticks = 0;
  for (const p of [pid, ...children(pid)]) ticks += cpuTicks(p);
  return ticks * 10; // USER_HZ is 100 on Linux
}

function cpuTicks(pid: number): number {
  let ticks = 0;
  for (const task of fs.existsSync(`/proc/${pid}/task`) ? fs.readdirSync(`/proc/${pid}/task`) : []) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/task/${task}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return ticks;
}

/**
 * Commits of database `name` so far. The statistics are flushed by each backend at most once a second (and
 * when it goes idle), so read them after a pause once the work is done; this read is a commit of its own
 * only in the database it connects to (the admin database), never in `name`.
 */
export async function commitsOf(adminUrl: string, name: string): Promise<number> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_stat_clear_snapshot()`;
    const [row] = await sql<
      { n: string }[]
    >`select xact_commit::text as n from pg_stat_database where datname = ${name}`;
    return Number(row?.n ?? 0);
  } finally {
    await sql.end();
  }
}

/** A counter pair read before and after some work: CPU of the server tree and commits of its database. */
export type CostMark = { cpu: number; commits: number };

export async function costMark(serverPid: number, adminUrl: string, dbName: string): Promise<CostMark> {
  return { cpu: cpuMs(serverPid), commits: await commitsOf(adminUrl, dbName) };
}

/** Per-event figures between two marks. */
export function perEvent(before: CostMark, after: CostMark, events: number) {
  const n = Math.max(1, events);
  return { cpuMs: (after.cpu - before.cpu) / n, commits: (after.commits - before.commits) / n };
}
