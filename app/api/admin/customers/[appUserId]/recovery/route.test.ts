// The recovery admin API with the admin token: 401 without it, 400 naming a bad body, 404 an unknown customer,
// 409 nothing to act on, 200 the action (a repeat answers the same one), and GET lists what was done.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { alerts } from "@/db/schema";
import { linkIdentity, upsertAppCustomer } from "@/db/queries/identities";
import { resetRateLimits } from "@/lib/auth/rate-limit";
import * as control from "@/sandbox/client";
import { adminToken } from "@/test/admin-route";
import { startHarness, uid, type Harness } from "@/test/harness";
import { GET, POST } from "./route";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(async () => {
  await resetRateLimits();
  await h.sandbox.reset();
});

const auth = adminToken();
const url = (appUserId: string) => `http://127.0.0.1:3000/api/admin/customers/${appUserId}/recovery`;
async function call(
  handler: typeof GET,
  appUserId: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
) {
  const req = new Request(url(appUserId), {
    method: init.method ?? "GET",
    body: init.body,
    headers: { ...(init.headers ?? auth), ...(init.body ? { "content-type": "application/json" } : {}) },
  });
  const res = await handler(req, { params: Promise.resolve({ appUserId }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const post = (appUserId: string, body: string, headers?: Record<string, string>) =>
  call(POST, appUserId, { method: "POST", body, headers });

describe("/api/admin/customers/:appUserId/recovery", () => {
  it("answers 401, 400, 404 and 409 with the reason", async () => {
    expect((await post("anyone", '{"action":"retry_payment"}', {})).status).toBe(401);
    const bad = await post("anyone", '{"action":"refund"}');
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toContain("card_update_link");
    expect((await post("anyone", "not json")).status).toBe(400);
    expect((await post("nobody_here", '{"action":"retry_payment"}')).status).toBe(404);
    expect((await call(GET, "nobody_here")).status).toBe(404);

    const appUserId = uid("u");
    const customer = await upsertAppCustomer(h.db, { appUserId, email: `${appUserId}@example.com` });
    await linkIdentity(h.db, customer.id, "stripe", uid("cus"), "id");
    const nothing = await post(appUserId, '{"action":"retry_payment"}');
    expect(nothing).toMatchObject({ status: 409, body: { error: expect.stringContaining("No open invoice") } });
  });

  it("retries the payment of the open invoice once, and lists it", async () => {
    const appUserId = uid("u");
    const cus = uid("cus");
    const inv = uid("in");
    const customer = await upsertAppCustomer(h.db, { appUserId, email: `${appUserId}@example.com` });
    await linkIdentity(h.db, customer.id, "stripe", cus, "id");
    await control.seed(h.sandbox.stripe, [
      { object: "customer", id: cus },
      { object: "invoice", id: inv, customer: cus, amount_due: 500, currency: "usd" },
    ]);
    await h.db.insert(alerts).values({
      kind: "billing",
      dedupeKey: `payment_failed:${inv}`,
      title: "Payment failed",
      customerId: customer.id,
      details: { invoice: inv },
    });
    const first = await post(appUserId, '{"action":"retry_payment"}');
    expect(first).toMatchObject({
      status: 200,
      body: { repeated: false, action: { kind: "retry_payment", status: "succeeded", actor: "api-token" } },
    });
    const again = await post(appUserId, '{"action":"retry_payment"}');
    expect(again).toMatchObject({ status: 200, body: { repeated: true } });
    const list = await call(GET, appUserId);
    expect(list).toMatchObject({ status: 200, body: { actions: [{ stripeObjectId: inv, status: "succeeded" }] } });
    expect((list.body.actions as unknown[]).length).toBe(1);
  });
});
