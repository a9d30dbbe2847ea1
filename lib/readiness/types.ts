// Shapes shared by the launch-readiness checks, the runner, the Readiness page and `npm run doctor`.
import type { Db } from "@/db";
import type { Env, EnvSource } from "@/lib/env";
import type { Services } from "@/lib/integrations";

export type CheckStatus = "pass" | "warn" | "fail";

export const CHECK_GROUPS = [
  "configuration",
  "database",
  "integrations",
  "jobs",
  "webhooks",
  "public-url",
  "email",
] as const;
export type CheckGroup = (typeof CHECK_GROUPS)[number];

export const GROUP_TITLES: Record<CheckGroup, string> = {
  configuration: "Configuration",
  database: "Database",
  integrations: "Integrations",
  jobs: "Background jobs",
  webhooks: "Webhook freshness",
  "public-url": "Public URL",
  email: "Email domain",
};

/** What a check found. `fix` is one sentence saying what to do ("" when there is nothing to do). */
export type Outcome = { status: CheckStatus; detail: string; fix: string };

export type ReadinessCheck = Outcome & { id: string; group: CheckGroup; title: string; durationMs: number };

export type CheckDefinition = {
  id: string;
  group: CheckGroup;
  title: string;
  /** null: the check does not apply to this configuration and is left out (e.g. the TLS check without APP_URL). */
  run: (ctx: ReadinessContext) => Outcome | null | Promise<Outcome | null>;
  /** What to do when the check did not finish in time (network checks). */
  timeoutFix?: string;
};

/** The DNS queries the checks make: `new dns.promises.Resolver()` fits (tests call its `setServers`). */
export type DnsResolver = {
  resolve4(hostname: string): Promise<string[]>;
  resolve6(hostname: string): Promise<string[]>;
  resolveTxt(hostname: string): Promise<string[][]>;
};

/** Where the public-URL checks connect. By default APP_URL's host on ports 443 and 80; tests point
 *  them at local servers, keeping APP_URL's host name for SNI, certificate checks and `Host` (like curl --resolve). */
export type NetworkTarget = {
  address?: string;
  httpsPort?: number;
  httpPort?: number;
  /** Extra trusted CA certificates (PEM), on top of Node's public roots. */
  ca?: string | string[];
};

export type DbAccess = { db: Db; driver: "postgres" | "pglite"; location: string };

/** A database that could not be opened, with what to tell the founder (the doctor's embedded-database cases). */
export class DatabaseUnavailable extends Error {
  constructor(public readonly outcome: Outcome) {
    super(outcome.detail);
    this.name = "DatabaseUnavailable";
  }
}

export type ReadinessContext = {
  source: EnvSource;
  /** The settings as far as they could be read (see `inspectEnv`). */
  env: Env;
  /** What the configuration fails on now. */
  problems: string[];
  /** What a production start (NODE_ENV=production, DEMO_MODE unset) would refuse. */
  productionProblems: string[];
  /** NODE_ENV=production without DEMO_MODE: what would only be a warning elsewhere is a failure. */
  strict: boolean;
  db: () => Promise<DbAccess>;
  services: () => Services;
  resolver: DnsResolver;
  network: NetworkTarget;
  now: () => Date;
  /** Per-check budget; network calls use a little less so they can report their own error. */
  timeoutMs: number;
};

export const pass = (detail: string): Outcome => ({ status: "pass", detail, fix: "" });
export const warn = (detail: string, fix: string): Outcome => ({ status: "warn", detail, fix });
export const fail = (detail: string, fix: string): Outcome => ({ status: "fail", detail, fix });
/** A failure in production, a warning anywhere else. */
export const failInProduction = (ctx: Pick<ReadinessContext, "strict">, detail: string, fix: string): Outcome =>
  ctx.strict ? fail(detail, fix) : warn(detail, fix);
