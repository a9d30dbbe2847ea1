// Runs once when the server starts (Node.js runtime only): see lib/http/server-start.ts. server.ts runs
// this too (its app.prepare() calls register), so `npm start` and `next start` trace alike.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Tracing first, so start-up work is traced too. Off (no endpoint), the OTel SDK is never even loaded.
    const { env } = await import("./lib/env");
    let endpoint: string | undefined;
    try {
      endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
    } catch {
      // An invalid configuration: startServer below names every problem and exits.
    }
    if (endpoint) {
      const [{ startTracing }, { buildInfo }] = await Promise.all([
        import("./lib/telemetry/start"),
        import("./lib/telemetry/version"),
      ]);
      const { version, commit } = buildInfo();
      startTracing({
        endpoint,
        serviceName: env.OTEL_SERVICE_NAME,
        version: commit ? `${version}+${commit}` : version,
      });
    }
    const { startServer } = await import("./lib/http/server-start");
    await startServer();
  }
}
