// Integration checks through the real SDKs against the sandboxes over HTTP: valid credentials pass,
// refusals (401/403, injected or real) are explained, and unreachable or hung services fail in time.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "@/sandbox";
import { fault, requests } from "@/sandbox/client";
import { runReadinessChecks } from "./run";
import { closedPort } from "./test-servers";
import type { ReadinessCheck } from "./types";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => sandbox.reset());

const demoEnv = () => ({
  NODE_ENV: "development",
  STRIPE_API_BASE: sandbox.stripe.url,
  HUBSPOT_BASE_URL: sandbox.hubspot.url,
  ZENDESK_BASE_URL: sandbox.zendesk.url,
});

async function byId(
  env: Record<string, string | undefined>,
  timeoutMs = 15_000,
): Promise<Record<string, ReadinessCheck>> {
  const checks = await runReadinessChecks({ env, groups: ["integrations"], timeoutMs });
  return Object.fromEntries(checks.map((c) => [c.id, c]));
}

describe("integration checks", () => {
  it("pass with valid credentials, naming where they were checked", async () => {
    const c = await byId(demoEnv());
    expect(Object.keys(c)).toEqual(["integrations.stripe", "integrations.hubspot", "integrations.zendesk"]);
    for (const check of Object.values(c)) expect(check.status, check.detail).toBe("pass");
    expect(c["integrations.stripe"].detail).toMatch(
      new RegExp(`^Authenticated at ${sandbox.stripe.url} \\(a local sandbox\\) in \\d+ ms\\.$`),
    );
    // The Stripe check reads customers: the access the pipeline needs.
    expect((await requests(sandbox.stripe, { path: "/v1/customers" })).length).toBeGreaterThan(0);
  });

  it("explain a HubSpot 401 with the private app scopes to grant", async () => {
    await fault(sandbox.hubspot, { status: 401, path: "/crm/v3/properties" });
    const { "integrations.hubspot": hubspot } = await byId(demoEnv());
    expect(hubspot.status).toBe("fail");
    expect(hubspot.detail).toMatch(/^The HubSpot token was refused \(401\)\. HubSpot said: "/);
    expect(hubspot.fix).toBe(
      "Create a private app token with crm.objects.contacts.read/write and crm.schemas.contacts.read/write and set it as HUBSPOT_ACCESS_TOKEN.",
    );
  });

  it("explain a HubSpot 403 as a missing scope", async () => {
    await fault(sandbox.hubspot, { status: 403, path: "/crm/v3/properties" });
    const { "integrations.hubspot": hubspot } = await byId(demoEnv());
    expect(hubspot).toMatchObject({ status: "fail" });
    expect(hubspot.detail).toMatch(/^The HubSpot token lacks a scope \(403\)\./);
    expect(hubspot.fix).toContain("crm.schemas.contacts.read/write");
  });

  it("explain a Stripe key the server refuses, without showing the key", async () => {
    const { "integrations.stripe": stripe } = await byId({
      ...demoEnv(),
      STRIPE_SECRET_KEY: "sk_test_wrong_key_123456",
    });
    expect(stripe.status).toBe("fail");
    expect(stripe.detail).toMatch(/^The Stripe key was refused \(401\)\. Stripe said: "Invalid API Key provided/);
    expect(stripe.detail).not.toContain("sk_test_wrong_key_123456");
    expect(stripe.fix).toContain("Developers → API keys");
  });

  it("explain a Stripe 403 as a missing permission of a restricted key", async () => {
    await fault(sandbox.stripe, { status: 403, path: "/v1/customers" });
    const { "integrations.stripe": stripe } = await byId(demoEnv());
    expect(stripe.detail).toMatch(/^The Stripe key lacks a permission \(403\)\./);
    expect(stripe.fix).toContain("read access to Customers, Subscriptions and Invoices");
  });

  it("explain Zendesk credentials it refuses", async () => {
    const { "integrations.zendesk": zendesk } = await byId({ ...demoEnv(), ZENDESK_API_TOKEN: "not-the-token" });
    expect(zendesk.status).toBe("fail");
    expect(zendesk.detail).toMatch(/^Zendesk refused the credentials \(401\)\./);
    expect(zendesk.fix).toContain("ZENDESK_EMAIL");
  });

  it("warn on a rate limit, fail on a server error", async () => {
    await fault(sandbox.zendesk, { status: 429, path: "/api/v2/users/me" });
    await fault(sandbox.hubspot, { status: 503, path: "/crm/v3/properties" });
    const c = await byId(demoEnv());
    expect(c["integrations.zendesk"]).toMatchObject({ status: "warn" });
    expect(c["integrations.zendesk"].detail).toContain("rate-limiting");
    expect(c["integrations.hubspot"]).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^HubSpot answered 503/),
    });
  });

  it("fail a service that cannot be reached, saying why", async () => {
    const port = await closedPort();
    const { "integrations.hubspot": hubspot } = await byId({
      ...demoEnv(),
      HUBSPOT_BASE_URL: `http://127.0.0.1:${port}`,
    });
    expect(hubspot).toMatchObject({
      status: "fail",
      detail: `Could not reach HubSpot at http://127.0.0.1:${port}: connection refused (ECONNREFUSED).`,
    });
    expect(hubspot.fix).toContain("sandbox");
  });

  it("fail a service that hangs, within the check's budget", async () => {
    await fault(sandbox.stripe, { kind: "hang", path: "/v1/customers", times: "always" });
    const started = Date.now();
    const { "integrations.stripe": stripe } = await byId(demoEnv(), 2_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(stripe.status).toBe("fail");
    expect(stripe.detail).toMatch(new RegExp(`^Could not reach Stripe at ${sandbox.stripe.url}: .*timeout`, "i"));
  });

  it("fail missing credentials in production without calling out", async () => {
    const c = await byId({ NODE_ENV: "production", ZENDESK_SUBDOMAIN: "acme" });
    expect(c["integrations.stripe"]).toMatchObject({ status: "fail", detail: "STRIPE_SECRET_KEY is not set." });
    expect(c["integrations.zendesk"]).toMatchObject({
      status: "fail",
      detail: "ZENDESK_EMAIL, ZENDESK_API_TOKEN are not set.",
    });
  });
});
