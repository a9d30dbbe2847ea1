// The Readiness page's runs: the local checks (configuration, database, jobs, webhook freshness) run on every
// load; the network checks (authenticated calls to Stripe, HubSpot and Zendesk, DNS and TLS probes) come from the
// ops tick's hourly run (lib/monitoring/readiness-watch.ts, passed in as `scheduled`), so opening the page makes
// no outbound call. Without a recent scheduled run (a fresh install, a stopped tick) the page runs them itself, at
// most once a minute per process, so a page load cannot be used to fire outbound calls. Only an admin forces a
// re-run (the "Run again" action); the next tick adopts that run (alerts included). `npm run doctor` calls
// runReadinessChecks directly and always runs fresh.
import { READINESS_CHECKS, runReadinessChecks, type ReadinessOptions } from "./run";
import { CHECK_GROUPS, type CheckGroup, type ReadinessCheck } from "./types";

/** The groups whose checks leave this server: service APIs, DNS, TLS and HTTP probes of the public URL. */
export const NETWORK_GROUPS: readonly CheckGroup[] = ["integrations", "public-url", "email"];

/** The groups checked on every load: configuration, database, jobs, webhook freshness (this server and its database). */
export const LOCAL_GROUPS: CheckGroup[] = CHECK_GROUPS.filter((g) => !NETWORK_GROUPS.includes(g));

/** How long the network checks' results are reused. */
export const NETWORK_CHECKS_TTL_MS = 60_000;

/** How long a scheduled run stands in for the page: the hourly schedule and a tick's slack, twice over. */
export const SCHEDULED_RUN_TTL_MS = 2 * 3_600_000;

/** One run of the network checks and when it was made. */
export type NetworkRun = { checks: ReadinessCheck[]; checkedAt: Date };
type Entry = NetworkRun;
type CacheState = { entry?: Entry; running?: Promise<Entry> };

const globalForCache = globalThis as unknown as { __opsReadinessCache?: CacheState };
const state = (): CacheState => {
  globalForCache.__opsReadinessCache ??= {};
  return globalForCache.__opsReadinessCache;
};

export type CachedReadiness = {
  checks: ReadinessCheck[];
  /** When the network checks' results shown were made. */
  networkCheckedAt: Date;
  /** True when this call ran the network checks itself (a cold or stale cache, or a forced re-run). */
  networkFresh: boolean;
  /** Whose run is shown: the ops tick's schedule, or one made by a page load or "Run again" in this process. */
  networkSource: "schedule" | "page";
};

export type CachedReadinessOptions = Omit<ReadinessOptions, "groups"> & {
  /** Run the network checks even if the cached results are recent (the admin's "Run again"). */
  force?: boolean;
  ttlMs?: number;
  /** The ops tick's last run of the network checks (ops_state), shown instead of running them here. */
  scheduled?: NetworkRun | null;
  scheduledTtlMs?: number;
};

/** Runs the network checks once, however many callers ask at the same moment. */
function runNetworkChecks(opts: CachedReadinessOptions, now: () => Date): Promise<Entry> {
  const s = state();
  s.running ??= (async () => {
    try {
      const checks = await runReadinessChecks({ ...opts, groups: [...NETWORK_GROUPS] });
      const entry = { checks, checkedAt: now() };
      s.entry = entry;
      return entry;
    } finally {
      s.running = undefined;
    }
  })();
  return s.running;
}

/** The network results to show without running anything: the newest of this process's run and the scheduled one. */
function reusable(opts: CachedReadinessOptions, now: Date): { e: Entry; source: "schedule" | "page" } | null {
  const cached = state().entry;
  const scheduled = opts.scheduled ?? undefined;
  const newest =
    cached && (!scheduled || cached.checkedAt >= scheduled.checkedAt)
      ? { e: cached, source: "page" as const }
      : scheduled
        ? { e: scheduled, source: "schedule" as const }
        : null;
  if (!newest) return null;
  // While the schedule runs, any run within its period will do; without it, this process's run lasts a minute.
  const ttl = scheduled ? (opts.scheduledTtlMs ?? SCHEDULED_RUN_TTL_MS) : (opts.ttlMs ?? NETWORK_CHECKS_TTL_MS);
  return now.getTime() - newest.e.checkedAt.getTime() < ttl ? newest : null;
}

/** The checks for the Readiness page: local checks now, network checks from the schedule or the last minute's run. */
export async function readinessForPage(opts: CachedReadinessOptions = {}): Promise<CachedReadiness> {
  const now = opts.now ?? (() => new Date());
  const reuse = opts.force ? null : reusable(opts, now());
  const [local, network] = await Promise.all([
    runReadinessChecks({ ...opts, groups: LOCAL_GROUPS }),
    reuse
      ? { ...reuse, fresh: false }
      : runNetworkChecks(opts, now).then((e) => ({ e, fresh: true, source: "page" as const })),
  ]);
  const order = new Map((opts.checks ?? READINESS_CHECKS).map((d, i) => [d.id, i]));
  const checks = [...local, ...network.e.checks].sort(
    (a, b) => (order.get(a.id) ?? Number.MAX_SAFE_INTEGER) - (order.get(b.id) ?? Number.MAX_SAFE_INTEGER),
  );
  return { checks, networkCheckedAt: network.e.checkedAt, networkFresh: network.fresh, networkSource: network.source };
}

/** This process's last run made by a page load or "Run again" (the ops tick adopts it when newer than its own). */
export function latestPageNetworkRun(): NetworkRun | undefined {
  return state().entry;
}

/** Re-runs the network checks now (an admin's "Run again"); the next page load shows them. */
export async function rerunNetworkChecks(opts: CachedReadinessOptions = {}): Promise<Date> {
  return (await runNetworkChecks(opts, opts.now ?? (() => new Date()))).checkedAt;
}

/** Forgets the cached results (tests). */
export function clearReadinessCache(): void {
  globalForCache.__opsReadinessCache = {};
}
