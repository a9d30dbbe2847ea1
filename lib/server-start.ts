// Server start-up: validate the configuration (exit with a clear message), migrate the database, create
// the owner, and on the inline driver start the sweeper that re-drives unfinished events.
import { env, EnvError } from "./env";
import { log } from "./log";

export async function startServer(): Promise<void> {
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
  const { ensureOwnerOnce } = await import("./auth");
  const handle = await getDbHandle();
  await ensureOwnerOnce();
  if (env.JOBS_DRIVER === "inline") {
    const { getInlineRunner } = await import("./jobs");
    getInlineRunner().startSweeper();
  }
  log.info("server.ready", { database: handle.driver, jobs: env.JOBS_DRIVER });
}
