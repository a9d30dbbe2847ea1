// What the production server (server.ts) borrows from the app once Next has loaded it. server.ts imports
// none of the app's modules: a second copy of them beside Next's bundle (as tsx loaded them before) cost
// ~100-300 MiB. Instead Next's own instrumentation (lib/http/server-start.ts) publishes these functions,
// built from the bundle's modules, on globalThis, and server.ts takes them after `app.prepare()`.
// No imports: server.ts loads this file.
import type { IncomingMessage, ServerResponse } from "node:http";

/** A route handler of app/api, as its route.ts exports it (the compiled copy Next itself serves). */
export type RouteHandler = (req: Request, ctx?: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** The route handlers server.ts answers straight from node:http, taken from Next's build output. */
export type FastRoutes = {
  stripeWebhook: RouteHandler;
  appWebhook: RouteHandler;
  appCustomerRead: RouteHandler;
};

export type ServerHooks = {
  /** Security headers and the client's address on every request; then the fast path, or `next` for the rest. */
  createRequestHandler(
    routes: FastRoutes,
    next: (req: IncomingMessage, res: ServerResponse) => unknown,
  ): (req: IncomingMessage, res: ServerResponse) => void;
  /** The start-up warning when demo secrets are in use (names only), or undefined. */
  startupWarning(hostname: string): string | undefined;
};

const KEY = Symbol.for("founder-ops.server-hooks");

export function publishServerHooks(hooks: ServerHooks): void {
  (globalThis as Record<symbol, unknown>)[KEY] = hooks;
}

/** Undefined before Next ran the instrumentation (or under `next dev`, where there is no server.ts). */
export function serverHooks(): ServerHooks | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as ServerHooks | undefined;
}
