// eraseStripeCustomer and exportStripeCustomer against the Stripe sandbox, through the real SDK.
import StripeSdk from "stripe";
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { IntegrationError } from "@/lib/integrations/errors";
import * as control from "@/sandbox/client";
import { type Sandbox, startSandbox } from "@/sandbox/index";
import { eraseStripeCustomer, exportStripeCustomer } from "./erasure";

const KEY = "sk_test_erasure_suite_1234";
let sandbox: Sandbox;
let stripe: Stripe;

beforeAll(async () => {
  sandbox = await startSandbox({ stripeKey: KEY });
  // The SDK without its own retries (createStripeClient has 2), so that each fault reaches the caller.
  stripe = new StripeSdk(KEY, { host: "127.0.0.1", port: sandbox.stripe.port, protocol: "http", maxNetworkRetries: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const periodEnd = Math.floor(Date.now() / 1000) + 20 * 86400;

/** A customer with an active, a trialing, an incomplete and a canceled subscription, and an invoice. */
async function customer() {
  const cus = await stripe.customers.create({
    email: "ada@example.com",
    name: "Ada Lovelace",
    phone: "+44 20 7946 0000",
    description: "app user u_ada",
    address: { line1: "12 St James's Square", city: "London", country: "GB" },
    shipping: { name: "Ada Lovelace", address: { line1: "12 St James's Square", city: "London", country: "GB" } },
    metadata: { app_user_id: "u_ada" },
  });
  const sub = (id: string, status: string) => ({
    object: "subscription",
    id,
    customer: cus.id,
    status,
    price: "price_pro",
    current_period_end: periodEnd,
  });
  await control.seed(sandbox.stripe, [
    sub("sub_active", "active"),
    sub("sub_trial", "trialing"),
    sub("sub_unpaid_first", "incomplete"),
    sub("sub_old", "canceled"),
    { object: "invoice", id: "in_1", customer: cus.id, status: "paid", amount_paid: 900 },
  ]);
  return cus.id;
}

const objectOf = (id: string) => sandbox.stripe.service.objects.get(id) as Record<string, unknown>;

describe("eraseStripeCustomer", () => {
  it("now: cancels every live subscription, then deletes the customer; a second call finds it absent", async () => {
    const id = await customer();
    const result = await eraseStripeCustomer(stripe, id, "now");
    expect(result.customer).toBe("deleted");
    expect(result.canceledSubscriptions.sort()).toEqual(["sub_active", "sub_trial", "sub_unpaid_first"]);
    expect(result.scheduledSubscriptions).toEqual([]);
    for (const sub of ["sub_active", "sub_trial", "sub_unpaid_first"]) expect(objectOf(sub).status).toBe("canceled");
    expect(objectOf(id).deleted).toBe(true);

    expect(await eraseStripeCustomer(stripe, id, "now")).toEqual({
      canceledSubscriptions: [],
      scheduledSubscriptions: [],
      customer: "absent",
    });
    expect(await eraseStripeCustomer(stripe, "cus_never", "period_end")).toMatchObject({ customer: "absent" });
  });

  it("period_end: live subscriptions end at their period's end, the customer stays without personal data", async () => {
    const id = await customer();
    const result = await eraseStripeCustomer(stripe, id, "period_end");
    expect(result).toEqual({
      canceledSubscriptions: ["sub_unpaid_first"],
      scheduledSubscriptions: expect.arrayContaining(["sub_active", "sub_trial"]),
      customer: "anonymised",
    });
    expect(objectOf("sub_active")).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
      cancel_at: periodEnd,
    });
    expect(objectOf("sub_unpaid_first").status).toBe("canceled");
    const cus = objectOf(id);
    expect(cus.deleted).toBeFalsy();
    for (const field of ["name", "email", "phone", "description", "address", "shipping"]) expect(cus[field]).toBeNull();
    expect(cus.metadata).toEqual({});

    // Idempotent: nothing new to schedule, the same answer, the same keys.
    const again = await eraseStripeCustomer(stripe, id, "period_end");
    expect(again.scheduledSubscriptions.sort()).toEqual(["sub_active", "sub_trial"]);
    expect(again.canceledSubscriptions).toEqual([]);
    const posts = (await control.requests(sandbox.stripe)).filter((r) => r.method === "POST");
    const keys = posts.map((r) => r.headers["idempotency-key"]).filter((k) => k?.startsWith("erase-"));
    expect(keys.sort()).toEqual([
      `erase-${id}-anonymise`,
      `erase-${id}-anonymise`,
      `erase-${id}-sub_active-period-end`,
      `erase-${id}-sub_trial-period-end`,
    ]);
  });

  it("a failed delete (500) surfaces as a transient stripe error; the retry skips what was canceled", async () => {
    const id = await customer();
    await control.fault(sandbox.stripe, { method: "DELETE", path: `/v1/customers/${id}`, status: 500 });
    const failed = await eraseStripeCustomer(stripe, id, "now").catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(IntegrationError);
    expect(failed).toMatchObject({ service: "stripe", status: 500, transient: true });
    expect(objectOf("sub_active").status).toBe("canceled");
    const retry = await eraseStripeCustomer(stripe, id, "now");
    expect(retry).toEqual({ canceledSubscriptions: [], scheduledSubscriptions: [], customer: "deleted" });
  });

  it("a 429 on a cancel is transient, a 403 permanent; the customer is not deleted", async () => {
    const id = await customer();
    await control.fault(sandbox.stripe, [
      { method: "DELETE", path: "/v1/subscriptions/", status: 429 },
      { method: "DELETE", path: "/v1/subscriptions/", status: 403 },
    ]);
    await expect(eraseStripeCustomer(stripe, id, "now")).rejects.toMatchObject({ status: 429, transient: true });
    await expect(eraseStripeCustomer(stripe, id, "now")).rejects.toMatchObject({ status: 403, transient: false });
    expect(objectOf(id).deleted).toBeFalsy();
  });
});

describe("exportStripeCustomer", () => {
  it("answers the customer, all subscriptions (canceled too) and invoices; deleted or unknown: null", async () => {
    const id = await customer();
    const exported = await exportStripeCustomer(stripe, id);
    expect(exported?.customer).toMatchObject({ id, email: "ada@example.com", metadata: { app_user_id: "u_ada" } });
    expect(exported?.subscriptions.map((s) => (s as { id: string }).id).sort()).toEqual([
      "sub_active",
      "sub_old",
      "sub_trial",
      "sub_unpaid_first",
    ]);
    expect(exported?.invoices.map((i) => (i as { id: string }).id)).toEqual(["in_1"]);
    await eraseStripeCustomer(stripe, id, "now");
    expect(await exportStripeCustomer(stripe, id)).toBeNull();
    expect(await exportStripeCustomer(stripe, "cus_never")).toBeNull();
  });
});
