// Server start-up: validate the configuration (exit with a clear message), migrate the database, create
// the owner, and on the inline driver start the sweeper that re-drives unfinished events and the
// once-a-minute operations loop (alert rules, notifications, retention).
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
    startOpsTimer();
  }
  log.info("server.ready", { database: handle.driver, jobs: env.JOBS_DRIVER });
}

/** The inline driver's stand-in for the Inngest cron: the operations loop once a minute. */
function startOpsTimer() {
  const tick = async () => {
    const { getDb } = await import("@/db");
    const { runOpsTick } = await import("./ops/tick");
    await runOpsTick(await getDb());
  };
  const run = () => void tick().catch((err) => log.error("ops.tick_failed", { error: err }));
  setTimeout(run, 5_000).unref();
  setInterval(run, 60_000).unref();
}
