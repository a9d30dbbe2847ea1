// The launch checks, run without being asked: on the ops tick, the local checks (configuration, database, jobs,
// webhook freshness: no outbound call) every tick, and the network checks (Stripe/HubSpot/Zendesk credentials,
// DNS, TLS, SPF/DKIM/DMARC) once an hour, their last run kept in ops_state for the Readiness page and for the
// schedule itself, so a restart or a deploy neither repeats nor skips the hour. Each failing check opens one ops
// alert (rule `readiness:<check id>`) with the check's own "what to do" sentence, linked to its row on
// /readiness, resolved when the check passes again; a certificate within 14 days of expiry has its own alert.
//
// A check that cannot run (a timeout, an unreachable service or name server, a 5xx, a 429) says nothing about
// the setting it checks: it neither opens nor resolves anything, so a network blip cannot flap an alert. Only
// when it cannot run INCONCLUSIVE_RUNS_TO_ALERT times in a row (three hours for a network check) does it open its
// alert, saying it could not run. The tick runs on one instance at a time (lib/jobs/singleton.ts).
import { createHash } from "node:crypto";
import type { Db } from "@/db";
import { openOrUpdateRuleAlert, resolveRuleAlert } from "@/db/queries/alerts";
import { readOpsState, writeOpsState } from "@/db/queries/ops-state";
import { inspectEnv, processEnvSource } from "@/lib/env";
import { isPrivateAddress } from "@/lib/readiness/net";
import { latestPageNetworkRun, LOCAL_GROUPS, NETWORK_GROUPS, type NetworkRun } from "@/lib/readiness/cache";
import { READINESS_CHECKS, runReadinessChecks, type ReadinessOptions } from "@/lib/readiness/run";
import { GROUP_TITLES, type ReadinessCheck } from "@/lib/readiness/types";

export const NETWORK_CHECKS_EVERY_MS = 3_600_000;
export const INCONCLUSIVE_RUNS_TO_ALERT = 3;
export const READINESS_RULE_PREFIX = "readiness:";
export const CERTIFICATE_EXPIRY_RULE = "readiness:certificate-expiry";
const TLS_CHECK = "public-url.tls";
const WATCH_KEY = "readiness-watch";
const NETWORK_RUN_KEY = "readiness-network-run";

/**
 * What the checks say when they could not look (see lib/readiness/*.ts and run.ts): kept in one list, and
 * lib/monitoring/readiness-watch.test.ts runs the real checks against dead servers to keep it matching.
 */
const CANNOT_RUN: RegExp[] = [
  /^Did not finish within /, // run.ts: the check's time budget ran out
  /^The check could not run: /, // run.ts: the check threw
  /^Could not reach /, // integrations: no connection to the service
  / is rate-limiting these credentials /, // integrations: 429
  / answered 5\d\d\b/, // integrations: the service is down
  /^The DNS lookup of .* failed \(/, // public-url and email: SERVFAIL, a timeout
  /^No TLS connection to /, // public-url: nothing answers HTTPS (the uptime probe says so every minute)
  / got no answer: /, // public-url: the webhook route did not answer
];

export type Verdict = "failing" | "passing" | "cannot-run";

export function verdictOf(check: Pick<ReadinessCheck, "status" | "detail">): Verdict {
  if (CANNOT_RUN.some((r) => r.test(check.detail))) return "cannot-run";
  return check.status === "fail" ? "failing" : "passing";
}

/** The TLS check's warning for a certificate within 14 days of expiry (an expired one is a failure). */
const expiresSoon = (c: ReadinessCheck | undefined) =>
  c?.id === TLS_CHECK && c.status === "warn" && / expires in -?\d+ days?\b/.test(c.detail);

/**
 * The demo on the founder's own machine (DEMO_MODE=1, APP_URL unset or a loopback/private address) fails the
 * "Demo mode off" check by design: the Readiness page says so, and nobody is to be paged about it. A demo mode
 * reachable at a public address is a deployment made by mistake, and alerts.
 */
function isLocalDemo(source: Record<string, string | undefined>): boolean {
  const appUrl = inspectEnv(source).env.APP_URL;
  if (!appUrl) return true;
  const host = new URL(appUrl).hostname.replace(/^\[(.*)\]$/, "$1");
  return host === "localhost" || host.endsWith(".localhost") || isPrivateAddress(host);
}
const DEMO_MODE_CHECK = "config.demo-mode";

type CheckMemory = { verdict: Verdict; cannotRunRuns: number; alerting: boolean };
type WatchState = {
  localRanAt: string | null;
  networkRanAt: string | null;
  /** The settings the last network run judged (a hash): a deploy that changes them re-runs the checks at once. */
  settings?: string;
  checks: Record<string, CheckMemory>;
};
type StoredRun = { checkedAt: string; checks: ReadinessCheck[]; settings?: string };

/** What the network checks depend on. Hashed (secrets included, so a rotated key re-runs them), never stored. */
const NETWORK_SETTINGS = [
  "APP_URL",
  "EMAIL_DOMAIN",
  "DKIM_SELECTOR",
  "SUPPORT_PROVIDER",
  "STRIPE_API_BASE",
  "HUBSPOT_BASE_URL",
  "ZENDESK_BASE_URL",
  "INTERCOM_BASE_URL",
  "ZENDESK_SUBDOMAIN",
  "ZENDESK_EMAIL",
  "STRIPE_SECRET_KEY",
  "HUBSPOT_ACCESS_TOKEN",
  "ZENDESK_API_TOKEN",
  "INTERCOM_ACCESS_TOKEN",
] as const;

export function networkSettingsHash(source: Record<string, string | undefined> = processEnvSource()): string {
  const env = inspectEnv(source).env as unknown as Record<string, unknown>;
  const values = NETWORK_SETTINGS.map((k) => [k, env[k] ?? null]);
  return createHash("sha256").update(JSON.stringify(values)).digest("hex").slice(0, 32);
}

export type ReadinessWatchOptions = {
  now?: Date;
  everyMs?: number;
  /** What the checks judge and where they connect (tests: env, resolver, network, the check list). */
  readiness?: Omit<ReadinessOptions, "groups" | "now">;
};

export type ReadinessWatchResult = {
  /** "ran": the network checks ran this tick; "adopted": an admin's or a page's run was taken over; null: not due. */
  network: "ran" | "adopted" | null;
  opened: string[];
  resolved: string[];
};

/**
 * The last network run (for the Readiness page) and when the next one is due; no run when it judged other
 * settings than this process has (a deploy changed APP_URL or a key: the next tick runs them again).
 */
export async function readinessSchedule(
  db: Db,
  everyMs = NETWORK_CHECKS_EVERY_MS,
  settings = networkSettingsHash(),
): Promise<{ run: NetworkRun | null; nextAt: Date | null }> {
  const stored = await readOpsState<StoredRun>(db, NETWORK_RUN_KEY);
  if (!stored || stored.settings !== settings) return { run: null, nextAt: null };
  const checkedAt = new Date(stored.checkedAt);
  return { run: { checks: stored.checks, checkedAt }, nextAt: new Date(checkedAt.getTime() + everyMs) };
}

/** Runs the checks that are due and opens or resolves their alerts; one call per ops tick. */
export async function runReadinessWatch(db: Db, opts: ReadinessWatchOptions = {}): Promise<ReadinessWatchResult> {
  const now = opts.now ?? new Date();
  const everyMs = opts.everyMs ?? NETWORK_CHECKS_EVERY_MS;
  const base = { ...opts.readiness, now: () => now };
  const state = (await readOpsState<WatchState>(db, WATCH_KEY)) ?? { localRanAt: null, networkRanAt: null, checks: {} };
  const source = opts.readiness?.env ?? processEnvSource();
  const settings = networkSettingsHash(source);
  const local = await runReadinessChecks({ ...base, groups: LOCAL_GROUPS });

  let network: ReadinessWatchResult["network"] = null;
  let run: NetworkRun | undefined;
  const lastRun = state.networkRanAt ? new Date(state.networkRanAt) : null;
  const page = latestPageNetworkRun();
  if (page && (!lastRun || page.checkedAt > lastRun)) {
    // "Run again" (or a page load before any scheduled run) already asked the services: no second call.
    run = page;
    network = "adopted";
  } else if (!lastRun || state.settings !== settings || now.getTime() - lastRun.getTime() >= everyMs) {
    run = { checks: await runReadinessChecks({ ...base, groups: [...NETWORK_GROUPS] }), checkedAt: now };
    network = "ran";
  }
  if (run) {
    const stored: StoredRun = { checkedAt: run.checkedAt.toISOString(), checks: run.checks, settings };
    await writeOpsState(db, NETWORK_RUN_KEY, stored, now);
    state.networkRanAt = stored.checkedAt;
    state.settings = settings;
  }
  state.localRanAt = now.toISOString();

  const localDemo = isLocalDemo(source);
  const groups = new Set([...LOCAL_GROUPS, ...(run ? NETWORK_GROUPS : [])]);
  const results = new Map([...local, ...(run?.checks ?? [])].map((c) => [c.id, c]));
  const opened: string[] = [];
  const resolved: string[] = [];
  const open = async (rule: string, alert: Omit<Parameters<typeof openOrUpdateRuleAlert>[1], "rule">) => {
    if (await openOrUpdateRuleAlert(db, { rule, ...alert }, now)) opened.push(rule);
  };
  const resolve = async (rule: string) => {
    if (await resolveRuleAlert(db, rule, now)) resolved.push(rule);
  };

  for (const def of (opts.readiness?.checks ?? READINESS_CHECKS).filter((d) => groups.has(d.group))) {
    const rule = `${READINESS_RULE_PREFIX}${def.id}`;
    const check = results.get(def.id);
    const memory = state.checks[def.id];
    // A check left out (APP_URL unset now) or passing resolves; unknown memory (state lost) is resolved too.
    const verdict: Verdict = check && !(def.id === DEMO_MODE_CHECK && localDemo) ? verdictOf(check) : "passing";
    if (verdict === "passing") {
      if (!memory || memory.alerting) await resolve(rule);
      state.checks[def.id] = { verdict, cannotRunRuns: 0, alerting: false };
    } else if (verdict === "failing" && check) {
      await open(rule, alertFor(check, "Launch check failing"));
      state.checks[def.id] = { verdict, cannotRunRuns: 0, alerting: true };
    } else if (check) {
      const runs = (memory?.cannotRunRuns ?? 0) + 1;
      const alerting = runs >= INCONCLUSIVE_RUNS_TO_ALERT;
      if (alerting) await open(rule, alertFor(check, `Launch check could not run ${runs} times in a row`));
      state.checks[def.id] = { verdict, cannotRunRuns: runs, alerting: alerting || (memory?.alerting ?? false) };
    }
  }

  if (run) {
    const tls = results.get(TLS_CHECK);
    const memory = state.checks[CERTIFICATE_EXPIRY_RULE];
    if (tls && expiresSoon(tls)) {
      await open(CERTIFICATE_EXPIRY_RULE, {
        severity: "warning",
        title: tls.detail.replace(/\.$/, ""),
        message: `${tls.detail} What to do: ${tls.fix}`,
        value: tls.detail,
        href: `/readiness#${TLS_CHECK}`,
      });
      state.checks[CERTIFICATE_EXPIRY_RULE] = { verdict: "failing", cannotRunRuns: 0, alerting: true };
    } else if (!tls || verdictOf(tls) !== "cannot-run") {
      // Renewed, or expired (the TLS check's own alert takes over), or no APP_URL any more.
      if (!memory || memory.alerting) await resolve(CERTIFICATE_EXPIRY_RULE);
      state.checks[CERTIFICATE_EXPIRY_RULE] = { verdict: "passing", cannotRunRuns: 0, alerting: false };
    }
  }

  await writeOpsState(db, WATCH_KEY, state, now);
  return { network, opened, resolved };
}

function alertFor(check: ReadinessCheck, lead: string) {
  return {
    severity: check.group === "email" ? ("warning" as const) : ("critical" as const),
    title: `${lead}: ${check.title}`,
    message: `${GROUP_TITLES[check.group]} → ${check.title}: ${check.detail}${check.fix ? ` What to do: ${check.fix}` : ""}`,
    value: check.status,
    href: `/readiness#${check.id}`,
  };
}
