// Uptime, from the outside in: every tick (a minute), with APP_URL set, the console asks its own public address
// for GET /api/health (200, JSON status "ok") and sends an unsigned POST /api/webhooks/stripe (must be refused
// with 400: a 2xx would mean the route accepts unsigned events). Through the public address, so DNS, the
// certificate, the proxy and the load balancer are all on the way. After UPTIME_FAILURES_TO_ALERT failed
// probes in a row one ops alert opens (rule "uptime"), updated while it lasts and resolved by the next
// success; one bad minute (a deploy's restart) alerts nobody. The count lives in ops_state, so it survives
// restarts and is shared by the instances (the tick runs on one at a time).
import type { Db } from "@/db";
import { openOrUpdateRuleAlert, resolveRuleAlert } from "@/db/queries/alerts";
import { readOpsState, writeOpsState } from "@/db/queries/ops-state";
import { networkReason } from "@/lib/readiness/net";
import { UPTIME_PROBE_BODY, UPTIME_PROBE_HEADER, uptimeProbeToken } from "./probe-token";

export const UPTIME_RULE = "uptime";
export const UPTIME_STATE_KEY = "uptime-probe";
export const UPTIME_FAILURES_TO_ALERT = 3;
/** Each request's budget: a console that takes longer than this to answer its health is not up for Stripe either. */
export const UPTIME_TIMEOUT_MS = 5_000;

export type UptimeState = {
  /** The origin probed (APP_URL's), so a changed APP_URL starts a fresh count. */
  origin: string;
  checkedAt: string;
  ok: boolean;
  consecutiveFailures: number;
  /** When the current run of failures began (null while it answers). */
  failingSince: string | null;
  lastOkAt: string | null;
  /** What failed at the last probe, in plain words ([] when it answered). */
  problems: string[];
};

export type UptimeOptions = {
  appUrl: string | undefined;
  /** Signs the probe's POST so its refusal is not recorded (lib/monitoring/probe-token.ts). */
  secret: string | undefined;
  now?: Date;
  timeoutMs?: number;
  failuresToAlert?: number;
  fetchImpl?: typeof fetch;
};

export type UptimeResult = { state: UptimeState; opened: boolean; resolved: boolean } | null;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** What went wrong with one request, in the founder's words ("connection refused (ECONNREFUSED)"). */
function whyNoAnswer(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: unknown };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `no answer within ${seconds(timeoutMs)}`;
  return networkReason(e?.cause ?? err);
}

async function probeHealth(origin: string, opts: Required<Pick<UptimeOptions, "timeoutMs" | "fetchImpl">>) {
  const what = "GET /api/health";
  try {
    const res = await opts.fetchImpl(`${origin}/api/health`, {
      headers: { accept: "application/json", "user-agent": "founder-ops-uptime/1" },
      redirect: "manual",
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = await res.text();
    if (res.status !== 200) return `${what} answered ${res.status}`;
    let status: unknown;
    try {
      status = (JSON.parse(text) as { status?: unknown }).status;
    } catch {
      return `${what} answered 200 but not JSON (another server at APP_URL?)`;
    }
    return status === "ok" ? null : `${what} answered status "${String(status)}" instead of "ok"`;
  } catch (err) {
    return `${what}: ${whyNoAnswer(err, opts.timeoutMs)}`;
  }
}

async function probeWebhook(
  origin: string,
  token: string,
  opts: Required<Pick<UptimeOptions, "timeoutMs" | "fetchImpl">>,
) {
  const what = "POST /api/webhooks/stripe (unsigned)";
  try {
    const res = await opts.fetchImpl(`${origin}/api/webhooks/stripe`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "founder-ops-uptime/1",
        ...(token ? { [UPTIME_PROBE_HEADER]: token } : {}),
      },
      body: UPTIME_PROBE_BODY,
      redirect: "manual",
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    await res.body?.cancel();
    if (res.status === 400) return null;
    if (res.status >= 200 && res.status < 300)
      return `${what} was accepted (${res.status}) instead of refused with 400`;
    if (res.status === 429) return `${what} was rate-limited (429) instead of refused with 400`;
    return `${what} answered ${res.status} instead of 400`;
  } catch (err) {
    return `${what}: ${whyNoAnswer(err, opts.timeoutMs)}`;
  }
}

/** Both requests failing the same way ("connection refused") say it once in the title; the message has both. */
function headline(problems: string[]): string {
  const reasons = new Set(problems.map((p) => p.slice(p.indexOf(": ") + 2)));
  return problems.length > 1 && reasons.size === 1 && problems.every((p) => p.includes(": "))
    ? [...reasons][0]!
    : problems.join("; ");
}

/** The last probe's state (the Readiness page), or undefined before the first probe. */
export async function readUptimeState(db: Db): Promise<UptimeState | undefined> {
  return readOpsState<UptimeState>(db, UPTIME_STATE_KEY);
}

/** One probe of the public address; null when APP_URL is unset (the probe is off). */
export async function runUptimeProbe(db: Db, opts: UptimeOptions): Promise<UptimeResult> {
  if (!opts.appUrl) return null;
  const now = opts.now ?? new Date();
  const origin = new URL(opts.appUrl).origin;
  const timing = { timeoutMs: opts.timeoutMs ?? UPTIME_TIMEOUT_MS, fetchImpl: opts.fetchImpl ?? fetch };
  const threshold = opts.failuresToAlert ?? UPTIME_FAILURES_TO_ALERT;
  const [health, webhook] = await Promise.all([
    probeHealth(origin, timing),
    probeWebhook(origin, uptimeProbeToken(opts.secret, now), timing),
  ]);
  const problems = [health, webhook].filter((p): p is string => p !== null);
  const before = await readUptimeState(db);
  const previous = before?.origin === origin ? before : undefined;
  const ok = problems.length === 0;
  const failures = ok ? 0 : (previous?.consecutiveFailures ?? 0) + 1;
  const state: UptimeState = {
    origin,
    checkedAt: now.toISOString(),
    ok,
    consecutiveFailures: failures,
    failingSince: ok ? null : (previous?.failingSince ?? now.toISOString()),
    lastOkAt: ok ? now.toISOString() : (previous?.lastOkAt ?? null),
    problems,
  };
  let opened = false;
  let resolved = false;
  if (!ok && failures >= threshold) {
    opened = await openOrUpdateRuleAlert(
      db,
      {
        rule: UPTIME_RULE,
        severity: "critical",
        title: `The public URL does not answer: ${headline(problems)}`,
        message:
          `${failures} probes of ${origin} in a row failed (every minute since ${state.failingSince}): ${problems.join("; ")}. ` +
          "Stripe and your app cannot deliver events while this lasts. Check that the server is running and reachable at APP_URL " +
          "(your host's dashboard, DNS, the certificate, the proxy) and read the server logs.",
        value: failures,
        href: "/readiness#uptime",
      },
      now,
    );
  } else if (ok && (before?.consecutiveFailures ?? 0) > 0) {
    // Only after failures: a healthy minute writes no alert query.
    resolved = await resolveRuleAlert(db, UPTIME_RULE, now);
  }
  await writeOpsState(db, UPTIME_STATE_KEY, state, now);
  return { state, opened, resolved };
}
