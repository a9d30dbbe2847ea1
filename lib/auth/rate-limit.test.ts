// Public endpoints throttle a flood from one source and keep serving others; the source is never taken
// from a header the client writes (X-Forwarded-For counts only past TRUSTED_PROXY_HOPS trusted proxies).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signAppPayload } from "@/lib/app-events/signature";
import { env, resetEnvCache } from "@/lib/env";
import { POST as appRoute } from "@/app/api/webhooks/app/route";
import { GET as adminEvents } from "@/app/api/admin/events/route";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { resetRateLimits } from "./rate-limit";

let h: Harness;
beforeAll(async () => {
  process.env.WEBHOOK_RATE_LIMIT_PER_MINUTE = "5";
  process.env.TRUSTED_PROXY_HOPS = "1"; // as behind one proxy that appends the client's address
  h = await startHarness(); // resets the parsed configuration
  await resetRateLimits();
}, 180_000); // the harness's PGlite clone is slow on a busy machine
afterAll(async () => {
  delete process.env.WEBHOOK_RATE_LIMIT_PER_MINUTE;
  delete process.env.TRUSTED_PROXY_HOPS;
  resetEnvCache();
  await resetRateLimits();
  await h?.close();
});

function signed(forwardedFor: string) {
  const body = JSON.stringify(appEvent("user.archived", { userId: uid("u") }));
  return new Request("http://127.0.0.1/api/webhooks/app", {
    method: "POST",
    body,
    headers: { "app-signature": signAppPayload(body, env.APP_WEBHOOK_SECRET), "x-forwarded-for": forwardedFor },
  });
}

describe("rate limits", () => {
  it("answers 429 with Retry-After to a flooding source and keeps serving another", async () => {
    // The flooder forges a new first hop on every request; the proxy's entry (the last) stays its own.
    const flood = await Promise.all(Array.from({ length: 8 }, (_, i) => appRoute(signed(`10.9.8.${i}, 203.0.113.7`))));
    const statuses = flood.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    const limited = flood.find((r) => r.status === 429)!;
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await limited.json()).error).toMatch(/Too many requests/);
    expect((await appRoute(signed("198.51.100.2"))).status).toBe(200);
  });

  it("blocks an address after repeated failed admin authentications, even with the right token", async () => {
    const req = (token: string) =>
      new Request("http://127.0.0.1/api/admin/events", {
        headers: { authorization: `Bearer ${token}`, "x-forwarded-for": "192.0.2.55" },
      });
    for (let i = 0; i < 30; i++) expect((await adminEvents(req(`guess-${i}`))).status).toBe(401);
    expect((await adminEvents(req(env.ADMIN_API_TOKEN))).status).toBe(429);
    const other = new Request("http://127.0.0.1/api/admin/events", {
      headers: { authorization: `Bearer ${env.ADMIN_API_TOKEN}`, "x-forwarded-for": "192.0.2.56" },
    });
    expect((await adminEvents(other)).status).toBe(200);
  });

  it("with no trusted proxy, a new X-Forwarded-For per request does not escape the limit", async () => {
    process.env.TRUSTED_PROXY_HOPS = "0";
    resetEnvCache();
    await resetRateLimits();
    try {
      const spoofed = await Promise.all(Array.from({ length: 8 }, (_, i) => appRoute(signed(`198.51.100.${i + 10}`))));
      expect(spoofed.filter((r) => r.status === 429)).toHaveLength(3);
    } finally {
      process.env.TRUSTED_PROXY_HOPS = "1";
      resetEnvCache();
      await resetRateLimits();
    }
  });
});
