// Runs every launch-readiness check at once, each within its time budget, and returns them in a
// stable order with secret values scrubbed. The Readiness page and `npm run doctor` both call this.
import dns from "node:dns";
import path from "node:path";
import { getDbHandle } from "@/db";
import { inspectEnv, processEnvSource, type Env, type EnvSource } from "@/lib/env";
import { createServices, servicesConfigOf, type Services } from "@/lib/integrations";
import { configurationChecks } from "./configuration";
import { databaseChecks } from "./database";
import { emailChecks } from "./email";
import { integrationChecks } from "./integrations";
import { jobChecks } from "./jobs";
import { publicUrlChecks } from "./public-url";
import { webhookChecks } from "./webhooks";
import {
  fail,
  type CheckDefinition,
  type CheckGroup,
  type DbAccess,
  type DnsResolver,
  type NetworkTarget,
  type Outcome,
  type ReadinessCheck,
  type ReadinessContext,
} from "./types";

export const READINESS_CHECKS: CheckDefinition[] = [
  ...configurationChecks,
  ...databaseChecks,
  ...integrationChecks,
  ...jobChecks,
  ...webhookChecks,
  ...publicUrlChecks,
  ...emailChecks,
];

export type ReadinessOptions = {
  /** The variables to judge (default: this process's environment). */
  env?: EnvSource;
  /** The database to inspect (default: the process-wide one). Throw DatabaseUnavailable to explain why there is none. */
  db?: () => Promise<DbAccess>;
  /** The service clients (default: built from `env`, with timeouts inside the check budget). */
  services?: () => Services;
  resolver?: DnsResolver;
  network?: NetworkTarget;
  now?: () => Date;
  /** Budget per check (default 5 s); a check that takes longer fails with "did not finish". */
  timeoutMs?: number;
  groups?: CheckGroup[];
  checks?: CheckDefinition[];
};

/** "db.example.com:5432/ops" or ".data/pglite": where the data lives, without credentials. */
export function databaseLocation(env: Pick<Env, "DATABASE_URL" | "DATA_DIR">): string {
  if (!env.DATABASE_URL) {
    const dir = path.resolve(env.DATA_DIR, "pglite");
    const relative = path.relative(process.cwd(), dir);
    return relative.startsWith("..") ? dir : relative;
  }
  try {
    const u = new URL(env.DATABASE_URL);
    return `${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname}`;
  } catch {
    return "DATABASE_URL";
  }
}

function memo<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    value ??= { v: make() };
    return value.v;
  };
}

export function createReadinessContext(opts: ReadinessOptions = {}): ReadinessContext {
  const source = opts.env ?? processEnvSource();
  const { env, problems } = inspectEnv(source);
  const strict = env.NODE_ENV === "production" && !env.DEMO_MODE;
  const productionProblems = strict
    ? problems
    : inspectEnv({ ...source, NODE_ENV: "production", DEMO_MODE: undefined }).problems;
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const serviceTimeout = Math.max(500, Math.floor((timeoutMs - 500) / 2));
  return {
    source,
    env,
    problems,
    productionProblems,
    strict,
    timeoutMs,
    now: opts.now ?? (() => new Date()),
    network: opts.network ?? {},
    resolver: opts.resolver ?? new dns.promises.Resolver({ timeout: Math.min(2_000, timeoutMs), tries: 2 }),
    db: memo(
      opts.db ??
        (async () => {
          const handle = await getDbHandle();
          return { db: handle.db, driver: handle.driver, location: databaseLocation(env) };
        }),
    ),
    services: memo(opts.services ?? (() => createServices(servicesConfigOf(env, serviceTimeout)))),
  };
}

async function runOne(def: CheckDefinition, ctx: ReadinessContext): Promise<ReadinessCheck | null> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const seconds = Math.round(ctx.timeoutMs / 100) / 10;
  const timedOut = new Promise<Outcome>((resolve) => {
    timer = setTimeout(
      () =>
        resolve(
          fail(
            `Did not finish within ${seconds} s.`,
            def.timeoutFix ?? "Check that the service is reachable from this server, then run the checks again.",
          ),
        ),
      ctx.timeoutMs,
    );
  });
  let outcome: Outcome | null;
  try {
    outcome = await Promise.race([Promise.resolve().then(() => def.run(ctx)), timedOut]);
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split("\n")[0].slice(0, 300);
    outcome = fail(
      `The check could not run: ${message}`,
      "Run the checks again; if this stays, the message above says what broke.",
    );
  } finally {
    clearTimeout(timer);
  }
  if (!outcome) return null;
  return {
    id: def.id,
    group: def.group,
    title: def.title,
    ...outcome,
    durationMs: Math.round(performance.now() - started),
  };
}

const SECRET_KEYS = [
  "AUTH_SECRET",
  "ADMIN_PASSWORD",
  "ADMIN_API_TOKEN",
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "HUBSPOT_ACCESS_TOKEN",
  "ZENDESK_API_TOKEN",
  "APP_WEBHOOK_SECRET",
  "INNGEST_EVENT_KEY",
  "INNGEST_SIGNING_KEY",
  "DATABASE_URL",
  "ALERT_WEBHOOK_URL",
] as const;

/** Every secret value in play (and a database password on its own), longest first, so none reaches a page or a terminal. */
function secretsOf(env: Env): string[] {
  const values: string[] = SECRET_KEYS.map((k) => env[k]).filter((v): v is string => typeof v === "string");
  try {
    if (env.DATABASE_URL) values.push(decodeURIComponent(new URL(env.DATABASE_URL).password));
  } catch {
    // a malformed URL is reported by the configuration checks
  }
  return [...new Set(values.filter((v) => v.length >= 6))].sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join("[redacted]"), text);
}

export async function runReadinessChecks(opts: ReadinessOptions = {}): Promise<ReadinessCheck[]> {
  const ctx = createReadinessContext(opts);
  const defs = (opts.checks ?? READINESS_CHECKS).filter((d) => !opts.groups || opts.groups.includes(d.group));
  const results = await Promise.all(defs.map((d) => runOne(d, ctx)));
  const secrets = secretsOf(ctx.env);
  return results
    .filter((r): r is ReadinessCheck => r !== null)
    .map((r) => ({ ...r, detail: redact(r.detail, secrets), fix: redact(r.fix, secrets) }));
}

export type ReadinessSummary = { pass: number; warn: number; fail: number; total: number };

export function summarize(checks: ReadinessCheck[]): ReadinessSummary {
  const count = (s: ReadinessCheck["status"]) => checks.filter((c) => c.status === s).length;
  return { pass: count("pass"), warn: count("warn"), fail: count("fail"), total: checks.length };
}
