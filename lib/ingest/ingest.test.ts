// The webhook routes: verify, validate, store once; bad input is refused with a clear 4xx and writes nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import Stripe from "stripe";
import { sql } from "drizzle-orm";
import { rowsOf } from "@/db";
import * as control from "@/sandbox/client";
import { signAppPayload } from "@/lib/app-events/signature";
import { env } from "@/lib/env";
import { appEvent, startHarness, stripeEvent, uid, type Harness } from "@/test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(() => h.sandbox.reset());

async function count(table: string): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(h.db.execute(sql.raw(`select count(*)::int as n from ${table}`)));
  return row!.n;
}

async function outboundCalls(): Promise<number> {
  const all = await Promise.all(
    [h.sandbox.stripe, h.sandbox.hubspot, h.sandbox.zendesk].map((s) => control.requests(s)),
  );
  return all.flat().length;
}

async function expectNothingWritten(before: { events: number; customers: number; tickets: number }) {
  await h.settle();
  expect(await count("events")).toBe(before.events);
  expect(await count("customers")).toBe(before.customers);
  expect(await count("support_tickets")).toBe(before.tickets);
  expect(await outboundCalls()).toBe(0);
}

const snapshot = async () => ({
  events: await count("events"),
  customers: await count("customers"),
  tickets: await count("support_tickets"),
});

describe("POST /api/webhooks/stripe refuses bad input and writes nothing", () => {
  const event = () => stripeEvent("invoice.paid", { id: "in_1", object: "invoice", customer: "cus_x" });

  it.each([
    ["a missing signature", { header: "" }, /Missing Stripe-Signature/],
    ["a wrong secret", { secret: "whsec_someone_else" }, /Invalid Stripe signature/],
    ["a garbage signature header", { header: "t=1,v1=deadbeef" }, /Invalid Stripe signature/],
  ])("%s → 400", async (_name, opts, message) => {
    const before = await snapshot();
    const res = await h.postStripe(event(), opts as { header?: string; secret?: string });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(message);
    await expectNothingWritten(before);
  });

  it("a stale timestamp (older than 300 s) → 400", async () => {
    const before = await snapshot();
    const body = JSON.stringify(event());
    const header = Stripe.webhooks.generateTestHeaderString({
      payload: body,
      secret: env.STRIPE_WEBHOOK_SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    const res = await h.postStripe({}, { body, header });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/timestamp|tolerance/i);
    await expectNothingWritten(before);
  });

  it("malformed JSON with a valid signature → 400 naming it", async () => {
    const before = await snapshot();
    const res = await h.postStripe({}, { body: '{"id": "evt_1", ' });
    expect(res).toMatchObject({ status: 400, body: { error: "Body is not valid JSON." } });
    await expectNothingWritten(before);
  });

  it("a signed body that is not an event → 400 naming the field", async () => {
    const before = await snapshot();
    const res = await h.postStripe({ id: "nope", type: "invoice.paid", created: 1, data: { object: {} } });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain("id: must be a Stripe event id");
    await expectNothingWritten(before);
  });

  it("an oversized body (over 256 KiB) → 413", async () => {
    const before = await snapshot();
    const big = stripeEvent("invoice.paid", {
      id: "in_big",
      object: "invoice",
      customer: "cus_x",
      padding: "x".repeat(300 * 1024),
    });
    const res = await h.postStripe(big);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/too large/);
    await expectNothingWritten(before);
  });

  it("accepts a header with several v1 signatures, as during a secret roll", async () => {
    const e = stripeEvent("product.created", { id: "prod_1", object: "product" });
    const body = JSON.stringify(e);
    const t = Math.floor(Date.now() / 1000);
    const sign = (secret: string) =>
      Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: t }).split("v1=")[1];
    const res = await h.postStripe(
      {},
      { body, header: `t=${t},v1=${sign("whsec_old_secret")},v1=${sign(env.STRIPE_WEBHOOK_SECRET)}` },
    );
    expect(res.status).toBe(200);
  });

  it("stores an unknown type once, marked ignored, and answers 200", async () => {
    const e = stripeEvent("product.created", { id: "prod_2", object: "product" });
    const res = await h.postStripe(e);
    expect(res).toMatchObject({ status: 200, body: { received: true, ignored: true } });
    const [row] = await rowsOf<{ status: string; raw_body: string }>(
      h.db.execute(sql`select status, raw_body from events where external_id = ${e.id}`),
    );
    expect(row).toEqual({ status: "ignored", raw_body: JSON.stringify(e) });
    expect(await outboundCalls()).toBe(0);
  });
});

describe("POST /api/webhooks/app refuses bad input and writes nothing", () => {
  const signup = () => appEvent("user.signed_up", { userId: uid("u"), email: "new@example.com" });

  it.each([
    ["no App-Signature", { header: null }, /Missing App-Signature/],
    ["a malformed header", { header: "v1=abc" }, /Malformed App-Signature/],
    ["a wrong secret", { secret: "another-secret-of-32-characters!" }, /does not match/],
    ["a stale timestamp", { timestamp: Math.floor(Date.now() / 1000) - 400 }, /tolerance/],
  ])("%s → 400", async (_name, opts, message) => {
    const before = await snapshot();
    const res = await h.postApp(signup(), opts as never);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(message);
    await expectNothingWritten(before);
  });

  it("a body modified after signing → 400", async () => {
    const before = await snapshot();
    const body = JSON.stringify(signup());
    const header = signAppPayload(body, env.APP_WEBHOOK_SECRET);
    const res = await h.postApp({}, { body: body.replace("new@", "evil@"), header });
    expect(res.status).toBe(400);
    await expectNothingWritten(before);
  });

  it("malformed JSON → 400", async () => {
    const before = await snapshot();
    const res = await h.postApp({}, { body: "{not json" });
    expect(res).toMatchObject({ status: 400, body: { error: "Body is not valid JSON." } });
    await expectNothingWritten(before);
  });

  it("names every bad field", async () => {
    const before = await snapshot();
    const res = await h.postApp(
      appEvent("support.requested", { userId: "u1", email: "not-an-email", subject: "", message: "hi" }),
    );
    expect(res.status).toBe(400);
    const error = String(res.body.error);
    expect(error).toContain("data.requestId");
    expect(error).toContain("data.email");
    expect(error).toContain("data.subject");
    await expectNothingWritten(before);
  });

  it("a missing envelope field (created) → 400 naming it", async () => {
    const before = await snapshot();
    const res = await h.postApp({ id: "x1", type: "user.signed_up", data: { userId: "u", email: "a@b.co" } });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain("created");
    await expectNothingWritten(before);
  });

  it("an oversized body → 413", async () => {
    const before = await snapshot();
    const res = await h.postApp(
      appEvent("support.requested", {
        requestId: "r",
        userId: "u",
        email: "a@b.co",
        subject: "s",
        message: "m".repeat(300_000),
      }),
    );
    expect(res.status).toBe(413);
    await expectNothingWritten(before);
  });

  it("a NUL character in the id or any field → 400 naming it (PostgreSQL text cannot hold it)", async () => {
    const before = await snapshot();
    const badId = await h.postApp({ ...appEvent("user.signed_up", { userId: "u", email: "a@b.co" }), id: "x\u0000y" });
    expect(badId.status).toBe(400);
    expect(badId.body.error).toContain("id contains a NUL");
    const badField = await h.postApp(appEvent("user.signed_up", { userId: "u\u0000", email: "a@b.co" }));
    expect(badField.status).toBe(400);
    expect(badField.body.error).toContain("data.userId contains a NUL");
    const stripe = await h.postStripe(
      stripeEvent("invoice.paid", { id: "in_\u0000", object: "invoice", customer: "cus_x" }),
    );
    expect(stripe.status).toBe(400);
    expect(stripe.body.error).toContain("data.object.id contains a NUL");
    const deep = `${"[".repeat(100_000)}"x"${"]".repeat(100_000)}`;
    const body = JSON.stringify(appEvent("user.signed_up", { userId: "u", email: "a@b.co", extra: "DEEP" })).replace(
      '"DEEP"',
      deep,
    );
    const nested = await h.postApp({}, { body });
    expect(nested.status).toBe(400);
    expect(nested.body.error).toContain("nested deeper than 64 levels");
    await expectNothingWritten(before);
  });

  it("an event type named like a built-in property (constructor, __proto__) is just an unknown type", async () => {
    for (const type of ["constructor", "toString", "__proto__"]) {
      const res = await h.postApp(appEvent(type, { userId: "u" }));
      expect(res, type).toMatchObject({ status: 200, body: { ignored: true } });
    }
  });

  it("stores an unknown type as ignored", async () => {
    const res = await h.postApp(appEvent("user.archived", { userId: "u" }));
    expect(res).toMatchObject({ status: 200, body: { ignored: true } });
  });
});
