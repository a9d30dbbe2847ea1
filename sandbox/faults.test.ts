// The shared fault injector and control API, over plain fetch; plus the Stripe form parser.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as control from "./client";
import { startSandbox } from "./index";
import type { Sandbox } from "./index";
import { FaultInjector } from "./faults";
import { parseForm } from "./util";

let sandbox: Sandbox;
const TOKEN = "pat-faults-suite";
const auth = { authorization: `Bearer ${TOKEN}` };
const get = (path: string, init: RequestInit = {}) =>
  fetch(`${sandbox.hubspot.url}${path}`, { ...init, headers: { ...auth, ...init.headers } });

beforeAll(async () => {
  sandbox = await startSandbox({ hubspotToken: TOKEN });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

describe("fault injector", () => {
  it("fails the next N matching calls only, then answers normally", async () => {
    await control.fault(sandbox.hubspot, { method: "GET", path: "/crm/v3/properties", status: 503, times: 2 });
    expect((await get("/crm/v3/objects/contacts")).status).toBe(200); // path does not match
    expect((await get("/crm/v3/properties/contacts")).status).toBe(503);
    expect((await get("/crm/v3/properties/contacts")).status).toBe(503);
    expect((await get("/crm/v3/properties/contacts")).status).toBe(200);
    const recorded = await control.requests(sandbox.hubspot, { path: "/crm/v3/properties" });
    expect(recorded.map((r) => [r.status, r.fault?.kind ?? null])).toEqual([
      [503, "error"],
      [503, "error"],
      [200, null],
    ]);
  });

  it("keeps an 'always' fault until cleared, with custom body and headers", async () => {
    await control.fault(sandbox.hubspot, {
      status: 500,
      times: "always",
      body: { custom: true },
      headers: { "x-extra": "1" },
    });
    for (let i = 0; i < 3; i++) {
      const res = await get("/crm/v3/objects/contacts");
      expect(res.status).toBe(500);
      expect(res.headers.get("x-extra")).toBe("1");
      expect(await res.json()).toEqual({ custom: true });
    }
    await control.clearFaults(sandbox.hubspot);
    expect((await get("/crm/v3/objects/contacts")).status).toBe(200);
  });

  it("adds latency", async () => {
    await control.fault(sandbox.hubspot, { kind: "latency", latencyMs: 150 });
    const started = Date.now();
    expect((await get("/crm/v3/objects/contacts")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("hangs (the client must time out) and resets connections", async () => {
    await control.fault(sandbox.hubspot, [{ kind: "hang" }, { kind: "reset" }]);
    const hung = await get("/crm/v3/objects/contacts", { signal: AbortSignal.timeout(150) }).catch(
      (e: unknown) => e as Error,
    );
    expect((hung as Error).name).toBe("TimeoutError");
    const reset = await get("/crm/v3/objects/contacts").catch((e: unknown) => e as Error);
    expect(reset).toBeInstanceOf(TypeError); // fetch failed: socket hang up
    expect((await control.state(sandbox.hubspot)).requests.map((r) => r.status)).toEqual([null, null]);
  });

  it("records headers of interest without secrets", async () => {
    await get("/crm/v3/objects/contacts", { headers: { "x-correlation-id": "corr-1", "idempotency-key": "idem-1" } });
    const [record] = await control.requests(sandbox.hubspot);
    expect(record.headers["x-correlation-id"]).toBe("corr-1");
    expect(record.headers["idempotency-key"]).toBe("idem-1");
    expect(record.headers.authorization).toBe("Bearer …uite");
  });

  it("rejects an invalid fault spec with 400 and queues nothing", async () => {
    await expect(control.fault(sandbox.hubspot, [{ status: 429 }, { kind: "explode" as never }])).rejects.toThrow(
      /400/,
    );
    expect((await control.state(sandbox.hubspot)).faults).toEqual([]);
  });

  it("closes promptly with a hung request and a pending latency", async () => {
    const extra = await startSandbox();
    await control.fault(extra.stripe, [{ kind: "hang" }, { kind: "latency", latencyMs: 60_000 }]);
    const hung = fetch(`${extra.stripe.url}/v1/balance`).catch(() => "closed");
    const slow = fetch(`${extra.stripe.url}/v1/balance`).catch(() => "closed");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await extra.close();
    expect(await Promise.all([hung, slow])).toEqual(["closed", "closed"]);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("probabilistic faults", () => {
  it("applies to a request only when the draw is under the probability, without using up times", () => {
    const draws = [0.5, 0.1, 0.9, 0.29];
    const injector = new FaultInjector(() => draws.shift() ?? 1);
    injector.add({ status: 503, probability: 0.3, times: 2 });
    injector.add({ status: 429, path: "/crm" });
    expect(injector.take("GET", "/crm/x")?.status).toBe(429); // 0.5 ≥ 0.3: passed over, the next fault matches
    expect(injector.take("GET", "/crm/x")?.status).toBe(503); // 0.1
    expect(injector.take("GET", "/crm/x")).toBeUndefined(); // 0.9: passed over, nothing else queued
    expect(injector.take("GET", "/crm/x")).toMatchObject({ status: 503, applied: 2 }); // 0.29: second and last use
    expect(injector.list()).toEqual([]);
  });

  it("fails about the given share of calls over HTTP, and refuses a probability outside (0, 1]", async () => {
    await control.fault(sandbox.hubspot, { status: 500, probability: 0.3, times: "always" });
    let failed = 0;
    for (let i = 0; i < 400; i++) if ((await get("/crm/v3/objects/contacts")).status === 500) failed += 1;
    expect(failed).toBeGreaterThan(80); // 120 expected; the bounds are > 4 standard deviations wide
    expect(failed).toBeLessThan(160);
    await expect(control.fault(sandbox.hubspot, { probability: 0 })).rejects.toThrow(/probability/);
    await expect(control.fault(sandbox.hubspot, { probability: 1.5 })).rejects.toThrow(/probability/);
  });
});

describe("parseForm", () => {
  it("turns Stripe bracket notation into nested objects and arrays", () => {
    expect(
      parseForm(
        "email=a%40b.c&metadata[app_user_id]=u1&items[0][price]=p1&items[1][price]=p2&expand[]=customer&__proto__[x]=1",
      ),
    ).toEqual({
      email: "a@b.c",
      metadata: { app_user_id: "u1" },
      items: [{ price: "p1" }, { price: "p2" }],
      expand: ["customer"],
    });
  });
});
