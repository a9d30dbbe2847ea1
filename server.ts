// `npm start`: one node:http server in front of Next. The two webhook routes (POST /api/webhooks/stripe
// and /app) go straight to their handlers, the very functions of app/api/webhooks/*/route.ts, without
// Next's router and render pipeline, which cost ~1 ms of CPU per request, more than the whole verify-and-
// store. Everything else, including the same routes under `next dev`, is Next. See README, "Performance".
//   usage: tsx server.ts [-p port] [-H hostname]     (PORT and HOSTNAME are read too)
import http from "node:http";
import next from "next";
import { sendWebResponse, toWebRequest } from "./lib/http/node-adapter";
import { openDatabaseOrExit } from "./lib/http/server-start";

type Handler = (req: Request) => Promise<Response>;

function arg(names: string[]): string | undefined {
  const i = process.argv.findIndex((a) => names.includes(a));
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const port = Number(arg(["-p", "--port"]) ?? process.env.PORT ?? 3000);
  const hostname = arg(["-H", "--hostname"]) ?? process.env.HOSTNAME ?? "0.0.0.0";
  // Configuration and database first: a bad DATABASE_URL ends here with a clear message and exit 1
  // instead of a server answering 500 to every request. The handle is process-wide (globalThis), so
  // Next's instrumentation reuses it.
  await openDatabaseOrExit();
  const app = next({ dev: false, dir: process.cwd(), hostname, port });
  await app.prepare(); // runs instrumentation.ts: configuration check, migrations, owner, sweeper
  const nextHandler = app.getRequestHandler();
  // Loaded after prepare(): the routes import next/server, which needs the AsyncLocalStorage Next installs.
  const { MAX_WEBHOOK_BYTES } = await import("./lib/ingest/read-body");
  const webhooks = new Map<string, Handler>([
    ["/api/webhooks/stripe", (await import("./app/api/webhooks/stripe/route")).POST],
    ["/api/webhooks/app", (await import("./app/api/webhooks/app/route")).POST],
  ]);

  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const webhook = req.method === "POST" ? webhooks.get(path) : undefined;
    if (!webhook) return void nextHandler(req, res);
    void (async () => {
      const { request } = await toWebRequest(req, MAX_WEBHOOK_BYTES);
      await sendWebResponse(res, await webhook(request));
    })().catch((err) => {
      console.error(
        JSON.stringify({
          time: new Date().toISOString(),
          level: "error",
          msg: "webhook.unhandled",
          path,
          error: err instanceof Error ? err.message : String(err),
        }),
      );
      if (!res.headersSent)
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(JSON.stringify({ error: "Internal error: the event was not stored; retry." }));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000; // longer than the usual proxy's idle timeout, as next start does
  server.listen(port, hostname, () =>
    console.log(`▲ Founder-ops console on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`),
  );

  const stop = () => {
    server.close();
    void app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
