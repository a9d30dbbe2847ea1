// The Readiness page's runs: the local checks (configuration, database, jobs, webhook freshness) run on every
// load; the network checks (authenticated calls to Stripe, HubSpot and Zendesk, DNS and TLS probes) run at most
// once a minute per process, so a page load cannot be used to fire outbound calls. Only an admin forces a re-run
// (the "Run again" action). `npm run doctor` calls runReadinessChecks directly and always runs fresh.
import { READINESS_CHECKS, runReadinessChecks, type ReadinessOptions } from "./run";
import { CHECK_GROUPS, type CheckGroup, type ReadinessCheck } from "./types";

/** The groups whose checks leave this server: service APIs, DNS, TLS and HTTP probes of the public URL. */
export const NETWORK_GROUPS: readonly CheckGroup[] = ["integrations", "public-url", "email"];

/** The groups checked on every load: configuration, database, jobs, webhook freshness (this server and its database). */
const LOCAL_GROUPS: CheckGroup[] = CHECK_GROUPS.filter((g) => !NETWORK_GROUPS.includes(g));

/** How long the network checks' results are reused. */
export const NETWORK_CHECKS_TTL_MS = 60_000;

type Entry = { checks: ReadinessCheck[]; checkedAt: Date };
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
};

export type CachedReadinessOptions = Omit<ReadinessOptions, "groups"> & {
  /** Run the network checks even if the cached results are recent (the admin's "Run again"). */
  force?: boolean;
  ttlMs?: number;
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

/** The checks for the Readiness page: local checks now, network checks from the last minute's run unless forced. */
export async function readinessForPage(opts: CachedReadinessOptions = {}): Promise<CachedReadiness> {
  const now = opts.now ?? (() => new Date());
  const ttl = opts.ttlMs ?? NETWORK_CHECKS_TTL_MS;
  const cached = state().entry;
  const stale = !cached || now().getTime() - cached.checkedAt.getTime() >= ttl;
  const [local, network] = await Promise.all([
    runReadinessChecks({ ...opts, groups: LOCAL_GROUPS }),
    opts.force || stale ? runNetworkChecks(opts, now).then((e) => ({ e, fresh: true })) : { e: cached, fresh: false },
  ]);
  const order = new Map((opts.checks ?? READINESS_CHECKS).map((d, i) => [d.id, i]));
  const checks = [...local, ...network.e.checks].sort(
    (a, b) => (order.get(a.id) ?? Number.MAX_SAFE_INTEGER) - (order.get(b.id) ?? Number.MAX_SAFE_INTEGER),
  );
  return { checks, networkCheckedAt: network.e.checkedAt, networkFresh: network.fresh };
}

/** Re-runs the network checks now (an admin's "Run again"); the next page load shows them. */
export async function rerunNetworkChecks(opts: CachedReadinessOptions = {}): Promise<Date> {
  return (await runNetworkChecks(opts, opts.now ?? (() => new Date()))).checkedAt;
}

/** Forgets the cached results (tests). */
export function clearReadinessCache(): void {
  globalForCache.__opsReadinessCache = {};
}
