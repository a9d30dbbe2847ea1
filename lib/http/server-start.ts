// Server start-up: validate the configuration (exit with a clear message), migrate the database, create
// the owner, and start the job engine's background work (lib/jobs: on the inline driver, the sweeper that
// re-drives unfinished events and the once-a-minute operations loop). Runs from instrumentation.ts under
// every server (server.ts, Next's standalone server.js, Vercel), and hands server.ts its request handler.
import pRetry from "p-retry";
import { env, EnvError } from "../env";
import { isNetworkError } from "../integrations/errors";
import { log } from "../log";

export async function startServer(): Promise<void> {
  const handle = await openDatabaseOrExit();
  const { ensureOwnerOnce } = await import("../auth/next-auth");
  await ensureOwnerOnce();
  const { jobsDriver, startJobs } = await import("../jobs");
  startJobs();
  await publishHooksForServer();
  log.info("server.ready", { database: handle.driver, jobs: jobsDriver() });
}

/** What server.ts takes from the app (lib/http/server-hooks.ts): built here, from the bundle's modules. */
async function publishHooksForServer(): Promise<void> {
  const [{ publishServerHooks }, { createRequestHandler }, { securityHeaders, servedOverHttps }, demo] =
    await Promise.all([
      import("./server-hooks"),
      import("./fast-path"),
      import("./security-headers"),
      import("./demo-exposure"),
    ]);
  // Decided at start-up, not baked into the build: a build does not know whether it will be served over HTTPS.
  const headers = securityHeaders({ https: servedOverHttps(env) });
  publishServerHooks({
    createRequestHandler: (routes, next) => createRequestHandler(headers, routes, next),
    startupWarning: (hostname) => demo.demoWarning(demo.demoValuesInUse(env), hostname),
  });
}

/** A database still booting beside us: worth waiting out, as a network error is. */
const DB_NOT_READY = new Set(["CONNECT_TIMEOUT", "57P03"]);

/** The code of a failed query (drizzle wraps the driver's error as its cause) or of a failed connection. */
function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === "string" ? code : undefined;
}

const unreachable = (err: unknown) => isNetworkError(err) || DB_NOT_READY.has(errorCode(err) ?? "");

function rootMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown };
  while (e?.cause && typeof e.cause === "object") e = e.cause as typeof e;
  return e?.message ?? String(err);
}

/** Where DATABASE_URL points, without its password. */
function databaseTarget(url: string | undefined): string {
  if (!url) return `the embedded database in ${env.DATA_DIR}/pglite`;
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return "DATABASE_URL (not a valid URL)";
  }
}

/**
 * Validates the configuration, opens the database and applies pending migrations, or ends the process
 * with a clear message (exit 1): a server that cannot reach its database must not start answering 500s.
 * Connection failures are retried for ~8 s first.
 */
export async function openDatabaseOrExit() {
  try {
    void env.NODE_ENV; // parses and validates every variable
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const { getDbHandle } = await import("@/db");
  try {
    return await pRetry(() => getDbHandle(), {
      retries: 4,
      minTimeout: 500,
      factor: 2,
      shouldRetry: ({ error }) => unreachable(error),
    });
  } catch (err) {
    const target = databaseTarget(env.DATABASE_URL);
    console.error(
      unreachable(err)
        ? `Cannot reach ${target} (${errorCode(err) ?? "no answer"}): check DATABASE_URL and that the server is running.`
        : `Cannot open ${target}: ${rootMessage(err)}`,
    );
    process.exit(1);
  }
}
