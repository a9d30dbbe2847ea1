// The only reader of process.env: validates every setting once and explains what to fix.
// What each variable may be: ./env-schema.ts; the production and consistency rules: ./env-rules.ts; the settings
// derived from them (demo defaults, sandbox URLs, alertThresholds, rate limits): ./env-settings.ts.
import { envSchema } from "./env-schema";
import { envProblems } from "./env-rules";
import { buildSettings, type Env } from "./env-settings";

export { DEMO_DEFAULTS, type Env, SANDBOX_PORTS } from "./env-settings";

export type EnvSource = Record<string, string | undefined>;

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "EnvError";
  }
}

/** Validates a set of variables; throws EnvError listing every problem, each naming its variable. */
export function parseEnv(source: EnvSource): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((i) => {
        const key = String(i.path[0] ?? "environment");
        return i.message.includes(key) ? i.message : `${key}: ${i.message}`;
      }),
    );
  }
  const problems = envProblems(result.data);
  if (problems.length) throw new EnvError(problems);
  return buildSettings(result.data);
}

/** Like parseEnv, but never throws: every problem, and the settings as far as they could be read
 *  (a malformed variable counts as unset). For the readiness checks and `npm run doctor`. */
export function inspectEnv(source: EnvSource): { env: Env; problems: string[] } {
  const problems: string[] = [];
  const malformed = new Set<string>();
  let result = envSchema.safeParse(source);
  for (let attempt = 0; !result.success && attempt < 3; attempt++) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? "environment");
      if (!malformed.has(key)) problems.push(issue.message.includes(key) ? issue.message : `${key}: ${issue.message}`);
      malformed.add(key);
    }
    result = envSchema.safeParse({ ...source, ...Object.fromEntries([...malformed].map((k) => [k, undefined])) });
  }
  if (!result.success) throw new EnvError(problems);
  // A malformed value is already named; "X is required" for the same variable would say it twice.
  problems.push(
    ...envProblems(result.data).filter((p) => ![...malformed].some((k) => p.startsWith(`${k} is required`))),
  );
  return { env: buildSettings(result.data), problems };
}

/** A copy of this process's environment, for code that inspects the configuration without the cache. */
export function processEnvSource(): EnvSource {
  return { ...process.env };
}

let cached: Env | undefined;

/** The validated configuration of this process, parsed on first use. */
export const env: Env = new Proxy({} as Env, {
  get(_target, key) {
    cached ??= parseEnv(process.env);
    return cached[key as keyof Env];
  },
});

/** Forget the parsed configuration (tests that change process.env). */
export function resetEnvCache() {
  cached = undefined;
}

/** Log switches, read without full validation so that logging never throws. */
export function logSettings(): { level: "debug" | "info" | "warn" | "error" | "silent" } {
  const level = process.env.LOG_LEVEL;
  return { level: level === "debug" || level === "warn" || level === "error" || level === "silent" ? level : "info" };
}
