// The recovery link end to end: the app API hands out our signed link when BILLING_PORTAL_RETURN_URL is set
// (the hosted invoice otherwise); a valid link opens a billing-portal session in the Stripe sandbox (303 to its
// page); a forged, tampered or expired link answers a 400 page saying it expired.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as appView } from "@/app/api/app/customers/[appUserId]/route";
import { alerts } from "@/db/schema";
import { linkIdentity, upsertAppCustomer } from "@/db/queries/identities";
import { resetRateLimits } from "@/lib/auth/rate-limit";
import { signRecoveryToken } from "@/lib/billing/recovery-link";
import { env, resetEnvCache } from "@/lib/env";
import { resetServices } from "@/lib/integrations";
import * as control from "@/sandbox/client";
import { startHarness, uid, type Harness } from "@/test/harness";
import { GET } from "./route";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => {
  delete process.env.BILLING_PORTAL_RETURN_URL;
  return h?.close();
});
beforeEach(async () => {
  await resetRateLimits();
  await h.sandbox.reset();
  portal("https://example.com/account");
});

function portal(url: string | undefined) {
  if (url) process.env.BILLING_PORTAL_RETURN_URL = url;
  else delete process.env.BILLING_PORTAL_RETURN_URL;
  resetEnvCache();
  resetServices();
}

async function failingCustomer() {
  const appUserId = uid("u");
  const cus = uid("cus");
  const inv = uid("in");
  const customer = await upsertAppCustomer(h.db, { appUserId, email: `${appUserId}@example.com` });
  await linkIdentity(h.db, customer.id, "stripe", cus, "id");
  await control.seed(h.sandbox.stripe, [{ object: "customer", id: cus, email: customer.email }]);
  await h.db.insert(alerts).values({
    kind: "billing",
    dedupeKey: `payment_failed:${inv}`,
    title: "Payment failed",
    customerId: customer.id,
    details: {
      invoice: inv,
      amountDue: 1900,
      currency: "usd",
      hostedInvoiceUrl: `https://invoice.stripe.com/i/${inv}`,
    },
  });
  return { appUserId, cus, inv, customer };
}

const open = (token: string) =>
  GET(new Request(`http://127.0.0.1:3000/api/billing/recover/${token}`), { params: Promise.resolve({ token }) });

async function readApp(appUserId: string) {
  const res = await appView(
    new Request(`http://127.0.0.1:3000/api/app/customers/${appUserId}`, {
      headers: { authorization: `Bearer ${env.APP_API_TOKEN}` },
    }),
    { params: Promise.resolve({ appUserId }) },
  );
  return (await res.json()) as { billing: { state: string; recoveryUrl: string | null } };
}

describe("GET /api/billing/recover/:token", () => {
  it("the app API's recoveryUrl is our link; it opens a Stripe billing-portal session (303)", async () => {
    const c = await failingCustomer();
    const { billing } = await readApp(c.appUserId);
    expect(billing.state).toBe("payment_failed");
    expect(billing.recoveryUrl).toMatch(/^http:\/\/127\.0\.0\.1:3000\/api\/billing\/recover\/[\w-]+\.[\w-]+$/);
    // Stable: the same link on the next read.
    expect((await readApp(c.appUserId)).billing.recoveryUrl).toBe(billing.recoveryUrl);

    const token = billing.recoveryUrl!.split("/").pop()!;
    const res = await open(token);
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^${h.sandbox.stripe.url}/p/session/bps_`));
    const [create] = await control.requests(h.sandbox.stripe, { path: "/v1/billing_portal/sessions" });
    expect(create!.body).toMatchObject({ customer: c.cus, return_url: "https://example.com/account" });
    // The session's page answers in a browser, without an API key.
    const page = await fetch(location);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Stripe billing portal (sandbox)");
  });

  it("answers a 400 page for a forged, tampered or expired token", async () => {
    const c = await failingCustomer();
    const good = signRecoveryToken(c.customer.id);
    const [payload, sig] = good.split(".");
    const other = Buffer.from(`${crypto.randomUUID()}.${Math.floor(Date.now() / 1000) + 86_400}`).toString("base64url");
    const expired = signRecoveryToken(c.customer.id, Date.now() - 40 * 86_400_000);
    for (const token of ["nonsense", `${other}.${sig}`, `${payload}.${sig!.slice(0, -2)}AA`, expired]) {
      const res = await open(token);
      expect(res.status, token).toBe(400);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(await res.text()).toContain("This link has expired");
    }
    expect(await control.requests(h.sandbox.stripe, { path: "/v1/billing_portal" })).toHaveLength(0);
  });

  it("without BILLING_PORTAL_RETURN_URL: the hosted invoice in the app API, and our links no longer open", async () => {
    portal(undefined);
    const c = await failingCustomer();
    expect((await readApp(c.appUserId)).billing.recoveryUrl).toBe(`https://invoice.stripe.com/i/${c.inv}`);
    expect((await open(signRecoveryToken(c.customer.id))).status).toBe(400);
  });
});
