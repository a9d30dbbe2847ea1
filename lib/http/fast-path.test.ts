// The production server's request handler over a real node:http server: which requests skip Next (the two
// webhooks, one customer's read), that every response carries the security headers, that a client cannot
// choose its own address, and that a handler that throws is answered 500 JSON instead of hanging.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, clientAddress } from "@/lib/auth/client-address";
import { createRequestHandler, fastRouteFor } from "./fast-path";
import { securityHeaders } from "./security-headers";
import type { FastRoutes } from "./server-hooks";

const seen: string[] = [];
const routes: FastRoutes = {
  stripeWebhook: async (req) =>
    Response.json({ route: "stripe", body: await req.text(), client: clientAddress(req.headers) }),
  appWebhook: async () => {
    throw new Error("database gone");
  },
  appCustomerRead: async (_req, ctx) => Response.json({ route: "read", params: await ctx?.params }),
};
let server: http.Server;
let base: string;

beforeAll(async () => {
  const handle = createRequestHandler(securityHeaders({ https: true }), routes, (req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers[CLIENT_ADDRESS_HEADER] ? "stamped" : "unstamped"}`);
    res.writeHead(200, { "content-type": "text/plain" }).end("next");
  });
  server = http.createServer(handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("fastRouteFor", () => {
  it("takes only the webhooks' POST and a one-segment customer read", () => {
    expect(fastRouteFor(routes, "POST", "/api/webhooks/stripe?x=1")).toBe(routes.stripeWebhook);
    expect(fastRouteFor(routes, "POST", "/api/webhooks/app")).toBe(routes.appWebhook);
    expect(fastRouteFor(routes, "GET", "/api/webhooks/stripe")).toBeUndefined();
    expect(fastRouteFor(routes, "POST", "/api/webhooks/zendesk")).toBeUndefined();
    expect(fastRouteFor(routes, "GET", "/api/app/customers/u_1")).toBeTypeOf("function");
    expect(fastRouteFor(routes, "GET", "/api/app/customers/")).toBeUndefined();
    expect(fastRouteFor(routes, "GET", "/api/app/customers/a/b")).toBeUndefined();
    expect(fastRouteFor(routes, "DELETE", "/api/app/customers/u_1")).toBeUndefined();
  });
});

describe("the production request handler", () => {
  it("answers a webhook from its handler with the body whole, the security headers and the socket's address", async () => {
    const res = await fetch(`${base}/api/webhooks/stripe`, {
      method: "POST",
      body: '{"id":"evt_1"}',
      headers: { [CLIENT_ADDRESS_HEADER]: "forged 203.0.113.9", "x-forwarded-for": "198.51.100.1" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ route: "stripe", body: '{"id":"evt_1"}', client: "127.0.0.1" });
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
  });

  it("hands the customer read its still-encoded id as the route's params", async () => {
    const res = await fetch(`${base}/api/app/customers/user%201`);
    expect(await res.json()).toEqual({ route: "read", params: { appUserId: "user%201" } });
  });

  it("answers 500 JSON saying the event was not stored when a webhook handler throws", async () => {
    const res = await fetch(`${base}/api/webhooks/app`, { method: "POST", body: "{}" });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: "Internal error: the event was not stored; retry." });
  });

  it("sends everything else to Next, stamped and with the security headers", async () => {
    const res = await fetch(`${base}/customers/a/b?x=1`);
    expect(await res.text()).toBe("next");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(seen).toContain("GET /customers/a/b?x=1 stamped");
  });
});
