// The Stripe look-alike driven by the real `stripe` SDK.
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as control from "./client";
import type { StripeState } from "./client";
import { startSandbox } from "./index";
import type { Sandbox } from "./index";

const KEY = "sk_test_sandbox_suite_1234";
let sandbox: Sandbox;
let stripe: Stripe;

const client = (key = KEY, extra: Record<string, unknown> = {}) =>
  new Stripe(key, { host: "127.0.0.1", port: sandbox.stripe.port, protocol: "http", maxNetworkRetries: 2, ...extra });

beforeAll(async () => {
  sandbox = await startSandbox({ stripeKey: KEY });
  stripe = client();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

describe("stripe sandbox", () => {
  it("creates, retrieves, lists and updates customers with bracket-encoded metadata", async () => {
    const created = await stripe.customers.create({
      email: "ada@example.com",
      name: "Ada",
      metadata: { app_user_id: "u_1", plan: "pro" },
    });
    expect(created.id).toMatch(/^cus_/);
    expect(created.object).toBe("customer");
    expect(created.metadata).toEqual({ app_user_id: "u_1", plan: "pro" });
    expect(typeof created.created).toBe("number");

    const fetched = await stripe.customers.retrieve(created.id);
    expect(fetched.id).toBe(created.id);

    const updated = await stripe.customers.update(created.id, { metadata: { plan: "", tier: "gold" } });
    expect(updated.metadata).toEqual({ app_user_id: "u_1", tier: "gold" });

    const list = await stripe.customers.list({ email: "ada@example.com" });
    expect(list.data.map((c) => c.id)).toEqual([created.id]);

    const found = await stripe.customers.search({ query: "metadata['app_user_id']:'u_1'" });
    expect(found.data[0]?.id).toBe(created.id);
  });

  it("replays a request with the same Idempotency-Key instead of creating a second customer", async () => {
    const params = { email: "idem@example.com", metadata: { app_user_id: "u_2" } };
    const first = await stripe.customers.create(params, { idempotencyKey: "create-u_2" });
    const second = await stripe.customers.create(params, { idempotencyKey: "create-u_2" });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");

    const state = await control.state<StripeState>(sandbox.stripe);
    expect(state.customers).toHaveLength(1);
    expect(state.requests.map((r) => r.replayed ?? false)).toEqual([false, true]);
    expect(state.requests[0].headers["idempotency-key"]).toBe("create-u_2");
  });

  it("rejects the same Idempotency-Key with different parameters", async () => {
    await stripe.customers.create({ email: "one@example.com" }, { idempotencyKey: "k-mismatch" });
    const error = await stripe.customers
      .create({ email: "two@example.com" }, { idempotencyKey: "k-mismatch" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it("answers 401 to a wrong key, which the SDK raises as StripeAuthenticationError", async () => {
    const error = await client("sk_test_wrong_key_9999")
      .balance.retrieve()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(401);
    expect((error as Error).message).toContain("Invalid API Key provided");
    await expect(stripe.balance.retrieve()).resolves.toMatchObject({ object: "balance" });
    await expect(stripe.accounts.retrieveCurrent()).resolves.toMatchObject({ object: "account" });
  });

  it("survives an injected 500 through the SDK's retries, creating one object", async () => {
    await control.fault(sandbox.stripe, { method: "POST", path: "/v1/customers", status: 500 });
    const customer = await stripe.customers.create({ email: "retry@example.com" });
    const state = await control.state<StripeState>(sandbox.stripe);
    expect(state.customers.map((c) => c.id)).toEqual([customer.id]);
    expect(state.requests.map((r) => r.status)).toEqual([500, 200]);
    // The SDK's automatic key is reused on the retry.
    const keys = state.requests.map((r) => r.headers["idempotency-key"]);
    expect(keys[0]).toMatch(/^stripe-node-retry-/);
    expect(keys[1]).toBe(keys[0]);
  });

  it("does not retry a 429 by itself (no Stripe-Should-Retry header)", async () => {
    await control.fault(sandbox.stripe, { path: "/v1/customers", status: 429 });
    const error = await stripe.customers.create({ email: "slow@example.com" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect((await control.state(sandbox.stripe)).requests).toHaveLength(1);
  });

  it("dedupes a write whose answer was lost: hang after processing, client timeout, retry replays", async () => {
    await control.fault(sandbox.stripe, { kind: "hang", path: "/v1/customers", process: true });
    const impatient = client(KEY, { timeout: 300, maxNetworkRetries: 1 });
    const customer = await impatient.customers.create({ email: "lost@example.com" }, { idempotencyKey: "lost-1" });
    const state = await control.state<StripeState>(sandbox.stripe);
    expect(state.customers.map((c) => c.id)).toEqual([customer.id]);
    expect(state.requests.map((r) => [r.status, r.replayed ?? false])).toEqual([
      [null, false],
      [200, true],
    ]);
  });

  it("serves seeded subscriptions, invoices and checkout sessions, and lets tests change them", async () => {
    const periodEnd = Math.floor(Date.now() / 1000) + 86_400;
    await control.seed(sandbox.stripe, [
      { object: "customer", id: "cus_seeded", email: "seed@example.com" },
      {
        object: "subscription",
        id: "sub_seeded",
        customer: "cus_seeded",
        status: "past_due",
        price: "price_pro",
        current_period_end: periodEnd,
      },
      { object: "invoice", id: "in_seeded", customer: "cus_seeded", subscription: "sub_seeded", status: "open" },
      { object: "checkout.session", id: "cs_test_seeded", customer: "cus_seeded", subscription: "sub_seeded" },
    ]);
    const sub = await stripe.subscriptions.retrieve("sub_seeded", { expand: ["customer"] });
    expect(sub.status).toBe("past_due");
    expect(sub.items.data[0].current_period_end).toBe(periodEnd);
    expect(sub.items.data[0].price.id).toBe("price_pro");
    expect((sub.customer as Stripe.Customer).email).toBe("seed@example.com");

    await control.seed(sandbox.stripe, { object: "subscription", id: "sub_seeded", status: "active" });
    const again = await stripe.subscriptions.retrieve("sub_seeded");
    expect(again.status).toBe("active");
    expect(again.items.data[0].current_period_end).toBe(periodEnd);

    const invoice = await stripe.invoices.retrieve("in_seeded");
    expect(invoice.parent?.subscription_details?.subscription).toBe("sub_seeded");
    const session = await stripe.checkout.sessions.retrieve("cs_test_seeded", { expand: ["subscription"] });
    expect((session.subscription as Stripe.Subscription).id).toBe("sub_seeded");
  });

  it("answers 404 resource_missing for unknown ids", async () => {
    const error = await stripe.subscriptions.retrieve("sub_missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((error as Stripe.errors.StripeError).code).toBe("resource_missing");
    expect((error as Stripe.errors.StripeError).statusCode).toBe(404);
  });
});
