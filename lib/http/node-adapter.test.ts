// The webhook fast path's adapter, over a real node:http server: bodies within the cap pass whole, a body
// over it (declared or chunked) is cut and the handler's 413 still reaches the sender, the peer is kept;
// the security headers server.ts sets on every response reach the sender beside the handler's own.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LINGER_BYTES, sendWebResponse, toWebRequest } from "./node-adapter";
import { securityHeaders } from "./security-headers";

const CAP = 1024;
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    for (const { key, value } of securityHeaders({ https: true })) res.setHeader(key, value); // as server.ts does
    const { request } = await toWebRequest(req, CAP);
    const declared = Number(request.headers.get("content-length"));
    const response =
      declared > CAP
        ? Response.json({ error: "too large" }, { status: 413 })
        : Response.json(
            {
              body: await request.text(),
              method: request.method,
              path: new URL(request.url).pathname,
              peer: request.headers.get("x-forwarded-for"),
            },
            {
              headers: {
                "x-test": "yes",
                ...(request.headers.has("x-referrer-policy")
                  ? { "referrer-policy": request.headers.get("x-referrer-policy")! }
                  : {}),
              },
            },
          );
    await sendWebResponse(res, response);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe("toWebRequest / sendWebResponse", () => {
  it("passes a body within the cap whole, with method, path, headers and the peer address", async () => {
    const res = await fetch(`${url}/api/webhooks/app?x=1`, {
      method: "POST",
      body: "héllo",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-test")).toBe("yes");
    expect(await res.json()).toEqual({ body: "héllo", method: "POST", path: "/api/webhooks/app", peer: "127.0.0.1" });
  });

  it("keeps the X-Forwarded-For a proxy set", async () => {
    const res = await fetch(url, { method: "POST", body: "{}", headers: { "x-forwarded-for": "203.0.113.5" } });
    expect((await res.json()).peer).toBe("203.0.113.5");
  });

  it("answers a declared oversize body without reading it", async () => {
    const res = await fetch(url, { method: "POST", body: "x".repeat(CAP + 1) });
    expect(res.status).toBe(413);
  });

  it("cuts a chunked body past the cap and still answers 413", async () => {
    const chunks = Array.from({ length: 8 }, () => "y".repeat(400));
    const body = new ReadableStream({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(new TextEncoder().encode(next));
        else controller.close();
      },
    });
    const res = await fetch(url, { method: "POST", body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: "too large" });
  });

  it("a sender still streaming megabytes past the cap gets the 413, not a reset, every time", async () => {
    const chunk = new Uint8Array(16 * 1024).fill(122);
    for (let round = 0; round < 10; round++) {
      let left = Math.floor((LINGER_BYTES * 0.75) / chunk.byteLength);
      const body = new ReadableStream({
        pull(controller) {
          if (left-- > 0) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const res = await fetch(url, { method: "POST", body, duplex: "half" } as RequestInit);
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: "too large" });
    }
    expect((await fetch(url, { method: "POST", body: "{}" })).status).toBe(200);
  });

  it("sends the security headers set on the response before it, and the handler's own where both set one", async () => {
    const expected = Object.fromEntries(securityHeaders({ https: true }).map((h) => [h.key.toLowerCase(), h.value]));
    for (const init of [
      { method: "POST", body: "{}" },
      { method: "POST", body: "x".repeat(CAP + 1) },
    ]) {
      const res = await fetch(url, init);
      for (const [name, value] of Object.entries(expected)) expect(res.headers.get(name), name).toBe(value);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    }
    const own = await fetch(url, { method: "POST", body: "{}", headers: { "x-referrer-policy": "no-referrer" } });
    expect(own.headers.get("referrer-policy")).toBe("no-referrer");
    expect(own.headers.get("x-test")).toBe("yes");
  });
});
