// The HubSpot look-alike's rolling rate limit (POST /__sandbox/config { rateLimit: { max, windowMs } }): past
// the limit it answers HubSpot's own 429 (TEN_SECONDLY_ROLLING, X-HubSpot-RateLimit-* headers, no Retry-After).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as control from "./client";
import { startSandbox, type Sandbox } from "./index";

const TOKEN = "pat-rate-limit-suite";
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ hubspotToken: TOKEN });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const get = () =>
  fetch(`${sandbox.hubspot.url}/crm/v3/objects/contacts`, { headers: { authorization: `Bearer ${TOKEN}` } });

describe("hubspot sandbox rate limit", () => {
  it("enforces nothing by default", async () => {
    const answers = await Promise.all(Array.from({ length: 150 }, get));
    expect(answers.every((r) => r.status === 200)).toBe(true);
  });

  it("answers HubSpot's 429 past max calls in the rolling window, and serves again once it has passed", async () => {
    const config = await control.configure(sandbox.hubspot, { rateLimit: { max: 5, windowMs: 400 } });
    expect(config.rateLimit).toEqual({ max: 5, windowMs: 400 });
    const first = await Promise.all(Array.from({ length: 5 }, get));
    expect(first.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(first[4]!.headers.get("x-hubspot-ratelimit-remaining")).toBe("0");
    const refused = await get();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeNull();
    expect(refused.headers.get("x-hubspot-ratelimit-max")).toBe("5");
    expect(refused.headers.get("x-hubspot-ratelimit-interval-milliseconds")).toBe("400");
    expect(await refused.json()).toMatchObject({
      status: "error",
      category: "RATE_LIMITS",
      errorType: "RATE_LIMIT",
      policyName: "TEN_SECONDLY_ROLLING",
      message: "You have reached your ten_secondly_rolling limit.",
    });
    await new Promise((r) => setTimeout(r, 450));
    expect((await get()).status).toBe(200);
    const state = (await control.state(sandbox.hubspot)) as unknown as { counters: Record<string, number> };
    expect(state.counters).toMatchObject({ calls: 7, rateLimited: 1 });
  });

  it("refuses a malformed rateLimit; null switches it off; reset forgets it", async () => {
    await expect(control.configure(sandbox.hubspot, { rateLimit: { max: 0, windowMs: 10 } })).rejects.toThrow(
      /rateLimit must be/,
    );
    await control.configure(sandbox.hubspot, { rateLimit: { max: 1, windowMs: 10_000 } });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(429);
    await control.configure(sandbox.hubspot, { rateLimit: null });
    expect((await get()).status).toBe(200);
    await control.configure(sandbox.hubspot, { rateLimit: { max: 1, windowMs: 10_000 } });
    await control.reset(sandbox.hubspot);
    expect((await control.configure(sandbox.hubspot, {})).rateLimit).toBeNull();
  });
});
