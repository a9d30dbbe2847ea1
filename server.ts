// `npm start`: one node:http server in front of Next. The two webhook routes (POST /api/webhooks/stripe
// and /app) and the app's read API (GET /api/app/customers/:appUserId) go straight to their handlers, the
// very functions of their route.ts files, without
// Next's router and render pipeline, which cost ~1 ms of CPU per request, more than the whole verify-and-
// store. Everything else, including the same routes under `next dev`, is Next. See README, "Performance".
// Every response carries the security headers of lib/http/security-headers.ts; Strict-Transport-Security
// is decided here, at start-up, because a build does not know whether it will be served over HTTPS.
// It listens on all interfaces in production and on 127.0.0.1 otherwise (demo, development: the published
// demo secrets may be in use, and it names them on stderr), unless -H or HOSTNAME says where.
//   usage: tsx server.ts [-p port] [-H hostname]     (PORT and HOSTNAME are read too)
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import next from "next";
import { CLIENT_ADDRESS_HEADER, stampClientAddress } from "./lib/auth/client-address";
import { env } from "./lib/env";
import { demoValuesInUse, demoWarning, listenHostname } from "./lib/http/demo-exposure";
import { sendWebResponse, toWebRequest } from "./lib/http/node-adapter";
import { securityHeaders, servedOverHttps } from "./lib/http/security-headers";
import { openDatabaseOrExit } from "./lib/http/server-start";

type Handler = (req: Request) => Promise<Response>;

function arg(names: string[]): string | undefined {
  const i = process.argv.findIndex((a) => names.includes(a));
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const port = Number(arg(["-p", "--port"]) ?? process.env.PORT ?? 3000);
  // Configuration and database first: a bad DATABASE_URL ends here with a clear message and exit 1
  // instead of a server answering 500 to every request. The handle is process-wide (globalThis), so
  // Next's instrumentation reuses it.
  await openDatabaseOrExit();
  const hostname = listenHostname({
    flag: arg(["-H", "--hostname"]),
    hostnameVar: process.env.HOSTNAME,
    machineName: os.hostname(),
    isProduction: env.isProduction,
  });
  const headers = securityHeaders({ https: servedOverHttps(env) });
  const app = next({ dev: false, dir: process.cwd(), hostname, port });
  await app.prepare(); // runs instrumentation.ts: configuration check, migrations, owner, sweeper
  const nextHandler = app.getRequestHandler();
  // Loaded after prepare(): the routes import next/server, which needs the AsyncLocalStorage Next installs.
  const { MAX_WEBHOOK_BYTES } = await import("./lib/ingest/read-body");
  const webhooks = new Map<string, Handler>([
    ["/api/webhooks/stripe", (await import("./app/api/webhooks/stripe/route")).POST],
    ["/api/webhooks/app", (await import("./app/api/webhooks/app/route")).POST],
  ]);
  const appRead = (await import("./app/api/app/customers/[appUserId]/route")).GET;
  const APP_READ_PREFIX = "/api/app/customers/";

  const server = http.createServer((req, res) => {
    // On the response before anyone writes it: Next's own headers and a handler's are merged over these.
    for (const { key, value } of headers) res.setHeader(key, value);
    // The client's address, from the socket (and TRUSTED_PROXY_HOPS): any value a client sent is replaced.
    req.headers[CLIENT_ADDRESS_HEADER] = stampClientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"]);
    const path = (req.url ?? "/").split("?")[0]!;
    // The app's read API: one path segment after the prefix (still URL-encoded: the route decodes it).
    const appUserId =
      req.method === "GET" && path.startsWith(APP_READ_PREFIX) ? path.slice(APP_READ_PREFIX.length) : undefined;
    const fast: Handler | undefined =
      req.method === "POST"
        ? webhooks.get(path)
        : appUserId && !appUserId.includes("/")
          ? (request) => appRead(request, { params: Promise.resolve({ appUserId }) })
          : undefined;
    if (!fast) return void nextHandler(req, res);
    void (async () => {
      const { request } = await toWebRequest(req, MAX_WEBHOOK_BYTES);
      await sendWebResponse(res, await fast(request));
    })().catch((err) => {
      console.error(
        JSON.stringify({
          time: new Date().toISOString(),
          level: "error",
          msg: "fast_route.unhandled",
          path,
          error: err instanceof Error ? err.message : String(err),
        }),
      );
      if (!res.headersSent)
        res.writeHead(500, { "content-type": "application/json" }).end(
          JSON.stringify({
            error: req.method === "POST" ? "Internal error: the event was not stored; retry." : "Internal error.",
          }),
        );
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000; // longer than the usual proxy's idle timeout, as next start does
  server.listen(port, hostname, () => {
    const { port: bound } = server.address() as AddressInfo;
    const shown = hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
    console.log(`▲ Founder-ops console on http://${shown.includes(":") ? `[${shown}]` : shown}:${bound}`);
    const warning = demoWarning(demoValuesInUse(env), hostname);
    if (warning) console.error(`\n${warning}\n`);
  });

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
