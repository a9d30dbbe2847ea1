// The Stripe look-alike's list API (events, customers, subscriptions) driven by the real `stripe` SDK: newest
// first, `created` ranges, type filters, both cursors, auto-pagination, and seeded events kept by stateFile.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as control from "./client";
import { startSandbox } from "./index";
import type { Sandbox } from "./index";

const KEY = "sk_test_sandbox_lists_1234";
let sandbox: Sandbox;
let stripe: Stripe;

beforeAll(async () => {
  sandbox = await startSandbox({ stripeKey: KEY });
  stripe = new Stripe(KEY, { host: "127.0.0.1", port: sandbox.stripe.port, protocol: "http", maxNetworkRetries: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const T0 = 1_790_000_000;
const event = (id: string, type: string, created: number) => ({
  object: "event",
  id,
  type,
  created,
  data: { object: { id: `obj_${id}`, object: type.split(".")[0] } },
});

async function seedEvents(n: number, type = (i: number) => (i % 2 ? "invoice.paid" : "customer.created")) {
  // Seeded out of order on purpose: the list sorts by `created`, not by insertion.
  const rows = Array.from({ length: n }, (_, i) => event(`evt_${String(i).padStart(3, "0")}`, type(i), T0 + i * 60));
  await control.seed(sandbox.stripe, rows.reverse());
}

describe("stripe sandbox: GET /v1/events", () => {
  it("lists seeded events newest first in Stripe's shapes", async () => {
    await seedEvents(3);
    const page = await stripe.events.list();
    expect(page.object).toBe("list");
    expect(page.has_more).toBe(false);
    expect(page.data.map((e) => e.id)).toEqual(["evt_002", "evt_001", "evt_000"]);
    const [first] = page.data;
    expect(first).toMatchObject({
      object: "event",
      type: "customer.created",
      created: T0 + 120,
      livemode: false,
      pending_webhooks: 0,
      request: { id: null, idempotency_key: null },
      data: { object: { id: "obj_evt_002" } },
    });
    expect(typeof first?.api_version).toBe("string");
    const one = await stripe.events.retrieve("evt_001");
    expect(one.type).toBe("invoice.paid");
    const missing = await stripe.events.retrieve("evt_nope").catch((e: unknown) => e);
    expect((missing as Stripe.errors.StripeError).statusCode).toBe(404);
  });

  it("filters by type (with a * group), types[] and created ranges", async () => {
    await seedEvents(6);
    const ids = (p: Stripe.ApiList<Stripe.Event>) => p.data.map((e) => e.id);
    expect(ids(await stripe.events.list({ type: "invoice.paid" }))).toEqual(["evt_005", "evt_003", "evt_001"]);
    expect(ids(await stripe.events.list({ type: "invoice.*" }))).toEqual(["evt_005", "evt_003", "evt_001"]);
    expect(ids(await stripe.events.list({ types: ["customer.created", "charge.refunded"] }))).toEqual([
      "evt_004",
      "evt_002",
      "evt_000",
    ]);
    expect(ids(await stripe.events.list({ created: { gte: T0 + 120 } }))).toEqual([
      "evt_005",
      "evt_004",
      "evt_003",
      "evt_002",
    ]);
    expect(ids(await stripe.events.list({ created: { gt: T0 + 120, lte: T0 + 240 } }))).toEqual(["evt_004", "evt_003"]);
    expect(ids(await stripe.events.list({ created: { lt: T0 + 60 } }))).toEqual(["evt_000"]);
    expect(ids(await stripe.events.list({ created: T0 + 60 }))).toEqual(["evt_001"]);
  });

  it("refuses what Stripe refuses: type with types, more than 20 types, a bad created, an unknown cursor", async () => {
    const refusal = (p: Promise<unknown>) => p.then(() => undefined).catch((e: Stripe.errors.StripeError) => e);
    const both = await refusal(stripe.events.list({ type: "invoice.paid", types: ["invoice.paid"] }));
    expect(both?.message).toBe("You may only specify one of these parameters: type, types.");
    const many = await refusal(stripe.events.list({ types: Array.from({ length: 21 }, (_, i) => `t.${i}`) }));
    expect(many?.statusCode).toBe(400);
    const bad = await refusal(stripe.events.list({ created: { gte: "yesterday" as unknown as number } }));
    expect(bad?.param).toBe("created[gte]");
    const cursor = await refusal(stripe.events.list({ starting_after: "evt_missing" }));
    expect(cursor).toMatchObject({ statusCode: 400, code: "resource_missing", param: "starting_after" });
  });

  it("pages with limit, starting_after and ending_before, and the SDK's auto-pagination reads every page", async () => {
    await seedEvents(25);
    const first = await stripe.events.list({ limit: 10 });
    expect(first.has_more).toBe(true);
    expect(first.data[0]?.id).toBe("evt_024");
    const second = await stripe.events.list({ limit: 10, starting_after: first.data[9]?.id });
    expect(second.data.map((e) => e.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `evt_${String(14 - i).padStart(3, "0")}`),
    );
    expect(second.has_more).toBe(true);
    const third = await stripe.events.list({ limit: 10, starting_after: second.data[9]?.id });
    expect(third.data).toHaveLength(5);
    expect(third.has_more).toBe(false);
    // ending_before: the page just newer than the cursor, still newest first.
    const back = await stripe.events.list({ limit: 3, ending_before: "evt_010" });
    expect(back.data.map((e) => e.id)).toEqual(["evt_013", "evt_012", "evt_011"]);
    expect(back.has_more).toBe(true);
    const top = await stripe.events.list({ limit: 10, ending_before: "evt_020" });
    expect(top.data.map((e) => e.id)).toEqual(["evt_024", "evt_023", "evt_022", "evt_021"]);
    expect(top.has_more).toBe(false);

    const seen: string[] = [];
    for await (const e of stripe.events.list({ limit: 7, created: { gte: T0 + 60 } })) seen.push(e.id);
    expect(seen).toHaveLength(24);
    expect(new Set(seen).size).toBe(24);
    const requests = await control.requests(sandbox.stripe, { path: "/v1/events" });
    // 24 events at 7 a page: four requests, each after the first naming the previous page's last event.
    const paged = requests.filter((r) => r.query.includes("limit=7"));
    expect(paged).toHaveLength(4);
    expect(paged.slice(1).every((r) => r.query.includes("starting_after=evt_"))).toBe(true);
  });

  it("refuses a seeded event without a type", async () => {
    await expect(control.seed(sandbox.stripe, { object: "event", data: { object: {} } })).rejects.toThrow(
      /an event needs a .{1,3}type/,
    );
  });
});

describe("stripe sandbox: customer and subscription lists", () => {
  it("pages customers and subscriptions newest first with cursors and created ranges", async () => {
    await control.seed(
      sandbox.stripe,
      Array.from({ length: 5 }, (_, i) => ({
        object: "customer",
        id: `cus_${i}`,
        email: `c${i}@example.com`,
        created: T0 + i,
      })),
    );
    await control.seed(
      sandbox.stripe,
      Array.from({ length: 5 }, (_, i) => ({
        object: "subscription",
        id: `sub_${i}`,
        customer: `cus_${i}`,
        created: T0 + i,
        status: i === 0 ? "canceled" : "active",
      })),
    );
    const page = await stripe.customers.list({ limit: 2 });
    expect(page.data.map((c) => c.id)).toEqual(["cus_4", "cus_3"]);
    expect(page.has_more).toBe(true);
    const next = await stripe.customers.list({ limit: 2, starting_after: "cus_3" });
    expect(next.data.map((c) => c.id)).toEqual(["cus_2", "cus_1"]);
    const recent = await stripe.customers.list({ created: { gte: T0 + 3 } });
    expect(recent.data.map((c) => c.id)).toEqual(["cus_4", "cus_3"]);
    const all: string[] = [];
    for await (const c of stripe.customers.list({ limit: 2 })) all.push(c.id);
    expect(all).toEqual(["cus_4", "cus_3", "cus_2", "cus_1", "cus_0"]);

    const subs: string[] = [];
    for await (const s of stripe.subscriptions.list({ limit: 2, status: "all" })) subs.push(s.id);
    expect(subs).toEqual(["sub_4", "sub_3", "sub_2", "sub_1", "sub_0"]);
    const active = await stripe.subscriptions.list({ limit: 10 });
    expect(active.data.map((s) => s.id)).toEqual(["sub_4", "sub_3", "sub_2", "sub_1"]);
    const older = await stripe.subscriptions.list({ limit: 2, ending_before: "sub_1" });
    expect(older.data.map((s) => s.id)).toEqual(["sub_3", "sub_2"]);
  });
});

describe("stripe sandbox: events in the stateFile", () => {
  it("keeps seeded events across a restart", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-events-"));
    const file = path.join(dir, "state.json");
    try {
      const before = await startSandbox({ stripeKey: KEY, stateFile: file, warn: () => {} });
      await control.seed(before.stripe, [event("evt_kept", "invoice.paid", T0)]);
      await before.close();
      const after = await startSandbox({ stripeKey: KEY, stateFile: file, warn: () => {} });
      try {
        const client = new Stripe(KEY, { host: "127.0.0.1", port: after.stripe.port, protocol: "http" });
        const page = await client.events.list({ types: ["invoice.paid"] });
        expect(page.data.map((e) => [e.id, e.created])).toEqual([["evt_kept", T0]]);
      } finally {
        await after.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
