// The request handler of the production server (server.ts), built inside Next's bundle so that it uses
// the same modules as the routes. Every response gets the security headers (with the HSTS decision made
// at start-up), every request the client's address from its socket (lib/auth/client-address.ts). The two
// webhook routes and the app's read API go straight to their route handlers: Next's router and render
// pipeline cost ~1 ms of CPU per request, more than the whole verify-and-store. Everything else is Next.
import type { IncomingMessage, ServerResponse } from "node:http";
import { CLIENT_ADDRESS_HEADER, stampClientAddress } from "@/lib/auth/client-address";
import { MAX_WEBHOOK_BYTES } from "@/lib/ingest/read-body";
import { log } from "@/lib/log";
import { sendWebResponse, toWebRequest } from "./node-adapter";
import type { Header } from "./security-headers";
import type { FastRoutes, RouteHandler } from "./server-hooks";

const APP_READ_PREFIX = "/api/app/customers/";

/** The handler a request goes to without Next, or undefined for Next. */
export function fastRouteFor(routes: FastRoutes, method: string | undefined, url: string | undefined) {
  const path = (url ?? "/").split("?")[0]!;
  if (method === "POST") {
    if (path === "/api/webhooks/stripe") return routes.stripeWebhook;
    if (path === "/api/webhooks/app") return routes.appWebhook;
    return undefined;
  }
  if (method !== "GET" || !path.startsWith(APP_READ_PREFIX)) return undefined;
  // One path segment after the prefix (still URL-encoded: the route decodes it).
  const appUserId = path.slice(APP_READ_PREFIX.length);
  if (!appUserId || appUserId.includes("/")) return undefined;
  const read: RouteHandler = (request) => routes.appCustomerRead(request, { params: Promise.resolve({ appUserId }) });
  return read;
}

export function createRequestHandler(
  headers: readonly Header[],
  routes: FastRoutes,
  next: (req: IncomingMessage, res: ServerResponse) => unknown,
) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    // On the response before anyone writes it: Next's own headers and a handler's are merged over these.
    for (const { key, value } of headers) res.setHeader(key, value);
    // The client's address, from the socket (and TRUSTED_PROXY_HOPS): any value a client sent is replaced.
    req.headers[CLIENT_ADDRESS_HEADER] = stampClientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"]);
    const fast = fastRouteFor(routes, req.method, req.url);
    if (!fast) return void next(req, res);
    void (async () => {
      const { request } = await toWebRequest(req, MAX_WEBHOOK_BYTES);
      await sendWebResponse(res, await fast(request));
    })().catch((err) => {
      log.error("fast_route.unhandled", {
        path: (req.url ?? "/").split("?")[0],
        error: err instanceof Error ? err.message : String(err),
      });
      if (res.headersSent) return void res.destroy();
      const error = req.method === "POST" ? "Internal error: the event was not stored; retry." : "Internal error.";
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error }));
    });
  };
}
