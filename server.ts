// `npm start` and the standalone output's `server.js`: one node:http server in front of Next. The two
// webhook routes (POST /api/webhooks/stripe and /app) and the app's read API (GET /api/app/customers/:id)
// go straight to their route handlers, without Next's router and render pipeline (~1 ms of CPU per request,
// more than the whole verify-and-store); everything else is Next. See README, "Performance".
// One copy of the app's modules: this file imports none of them. The route handlers are the compiled
// modules Next itself serves (required from the build output, so Node's module cache shares them), and
// the request handler (security headers, client address, fast path) is built by the app's start-up inside
// Next's bundle (lib/http/server-hooks.ts). Next's config comes from the build (required-server-files.json),
// as in Next's own standalone server: next.config.ts is not loaded at run time.
// It listens on all interfaces in production and on 127.0.0.1 otherwise (demo, development: the published
// demo secrets may be in use, and it names them on stderr), unless -H or HOSTNAME says where.
//   usage: tsx server.ts [-p port] [-H hostname]     (PORT and HOSTNAME are read too)
//          node server.js                            (in the standalone folder: see scripts/build-standalone.ts)
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import next from "next";
import { isProductionVars, listenHostname } from "./lib/http/listen-hostname";
import { type FastRoutes, type RouteHandler, serverHooks } from "./lib/http/server-hooks";

/** Set by scripts/build-standalone.ts when it compiles this file into the standalone folder: the build
 *  folder's name there. Unset under tsx, where NEXT_DIST_DIR (or .next) says it. */
declare const STANDALONE_DIST_DIR: string | undefined;
const standaloneDistDir = typeof STANDALONE_DIST_DIR === "string" ? STANDALONE_DIST_DIR : undefined;

function arg(names: string[]): string | undefined {
  const i = process.argv.findIndex((a) => names.includes(a));
  return i >= 0 ? process.argv[i + 1] : undefined;
}

type RouteEntry = { routeModule: { ensureUserland(): Promise<void>; userland: Record<string, RouteHandler> } };

async function main() {
  (process.env as Record<string, string>).NODE_ENV = "production";
  // The standalone folder is self-contained: its migrations, .data and node_modules are beside this file.
  if (standaloneDistDir) process.chdir(__dirname);
  const dir = process.cwd();
  const distDir = standaloneDistDir ?? (process.env.NEXT_DIST_DIR || ".next");
  const serverFiles = path.join(dir, distDir, "required-server-files.json");
  if (!fs.existsSync(serverFiles)) {
    console.error(`No build in ${path.join(dir, distDir)}: run \`npm run build\` first.`);
    process.exit(1);
  }
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(
    JSON.parse(fs.readFileSync(serverFiles, "utf8")).config,
  );

  const port = Number(arg(["-p", "--port"]) ?? process.env.PORT ?? 3000);
  const hostname = listenHostname({
    flag: arg(["-H", "--hostname"]),
    hostnameVar: process.env.HOSTNAME,
    machineName: os.hostname(),
    isProduction: isProductionVars(process.env),
  });
  const app = next({ dev: false, dir, hostname, port });
  await app.prepare();
  // instrumentation.ts now rather than at the first request (Next's production server defers it): the
  // configuration check, database and migrations (a bad DATABASE_URL ends the process here with a clear
  // message and exit 1), owner, job engine, and this server's request handler. Next's own module, so Next
  // sees it done and never runs it twice.
  const nextRequire = createRequire(path.join(dir, "server.js"));
  const { ensureInstrumentationRegistered } = nextRequire(
    "next/dist/server/lib/router-utils/instrumentation-globals.external.js",
  ) as { ensureInstrumentationRegistered(dir: string, distDir: string): Promise<void> };
  await ensureInstrumentationRegistered(dir, distDir);
  const hooks = serverHooks();
  if (!hooks) throw new Error("The app did not start (instrumentation.ts published no server hooks).");

  const requireBuilt = createRequire(path.join(dir, distDir, "server", "app", "index.js"));
  const route = async (file: string, method: string): Promise<RouteHandler> => {
    const { routeModule } = requireBuilt(`./api/${file}/route.js`) as RouteEntry;
    await routeModule.ensureUserland();
    const handler = routeModule.userland[method];
    if (!handler) throw new Error(`The build's api/${file} has no ${method} handler.`);
    return handler;
  };
  const routes: FastRoutes = {
    stripeWebhook: await route("webhooks/stripe", "POST"),
    appWebhook: await route("webhooks/app", "POST"),
    appCustomerRead: await route("app/customers/[appUserId]", "GET"),
  };

  const server = http.createServer(hooks.createRequestHandler(routes, app.getRequestHandler()));
  server.keepAliveTimeout = 65_000; // longer than the usual proxy's idle timeout, as next start does
  server.listen(port, hostname, () => {
    const { port: bound } = server.address() as AddressInfo;
    const shown = hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
    console.log(`▲ Founder-ops console on http://${shown.includes(":") ? `[${shown}]` : shown}:${bound}`);
    const warning = hooks.startupWarning(hostname);
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
