// Runs once when the server starts: validate configuration, migrate the database, create the owner.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env, EnvError } = await import("./lib/env");
  const { log } = await import("./lib/log");
  try {
    void env.NODE_ENV; // parses and validates every variable
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const { getDbHandle } = await import("./db");
  const { ensureOwnerOnce } = await import("./lib/auth");
  const handle = await getDbHandle();
  await ensureOwnerOnce();
  log.info("server.ready", { database: handle.driver, jobs: env.JOBS_DRIVER });
}
