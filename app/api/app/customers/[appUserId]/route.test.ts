// GET /api/app/customers/:appUserId as the app's backend calls it: its own token only (not the admin token),
// 404 for an unknown user or a payer the app never announced, the entitlement with access, the payment problem
// with the hosted invoice to pay, the support requests; rate-limited per token.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetRateLimits, APP_API_PER_MINUTE } from "@/lib/auth/rate-limit";
import { env } from "@/lib/env";
import * as control from "@/sandbox/client";
import { eq } from "drizzle-orm";
import { supportTickets } from "@/db/schema";
import { appEvent, startHarness, stripeEvent, uid, type Harness } from "@/test/harness";
import { postZendesk, zendeskStatusEvent } from "@/test/zendesk-webhook";
import { GET } from "./route";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(async () => {
  await resetRateLimits();
});

async function read(appUserId: string, token: string | null = env.APP_API_TOKEN) {
  const res = await GET(
    new Request(`http://127.0.0.1:3000/api/app/customers/${encodeURIComponent(appUserId)}`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    }),
    { params: Promise.resolve({ appUserId: encodeURIComponent(appUserId) }) },
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("GET /api/app/customers/:appUserId", () => {
  it("accepts only the app's token: none, a wrong one or the admin token get 401", async () => {
    expect(env.APP_API_TOKEN).not.toBe(env.ADMIN_API_TOKEN);
    for (const token of [null, "not-the-app-token-000000000", env.ADMIN_API_TOKEN]) {
      const res = await read("anyone", token);
      expect(res.status).toBe(401);
      expect(String(res.body.error)).toContain("APP_API_TOKEN");
    }
  });

  it("answers 404 for an unknown user and for a payer the app never announced", async () => {
    expect((await read("nobody-here")).status).toBe(404);
    const cus = uid("cus");
    await control.seed(h.sandbox.stripe, [{ object: "customer", id: cus, email: `${cus}@example.com` }]);
    await h.postStripe(
      stripeEvent("customer.subscription.created", {
        id: uid("sub"),
        object: "subscription",
        customer: cus,
        status: "active",
        items: { data: [{ price: { id: "price_pro", lookup_key: "pro" } }] },
        current_period_end: Math.floor(Date.now() / 1000) + 86400,
      }),
    );
    await h.settle();
    expect((await read(`stripe:${cus}`)).status).toBe(404);
  });

  it("a user whose renewal failed: past_due with access (keep), the retry, the amount and where to pay; their tickets", async () => {
    const userId = uid("u");
    const cus = uid("cus");
    const sub = uid("sub");
    await h.postApp(appEvent("user.signed_up", { userId, email: `${userId}@example.com` }));
    await control.seed(h.sandbox.stripe, [
      { object: "customer", id: cus, email: `${userId}@example.com`, metadata: { app_user_id: userId } },
    ]);
    const periodEnd = Math.floor(Date.now() / 1000) + 20 * 86400;
    await h.postStripe(
      stripeEvent("customer.subscription.created", {
        id: sub,
        object: "subscription",
        customer: cus,
        status: "active",
        items: { data: [{ price: { id: "price_pro", lookup_key: "pro" } }] },
        current_period_end: periodEnd,
      }),
    );
    await h.settle();
    const fresh = await read(userId);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({
      appUserId: userId,
      entitlement: { status: "active", plan: "pro", cancelAtPeriodEnd: false, access: true },
      billing: { state: "ok", nextRetryAt: null, recoveryUrl: null },
      support: [],
    });

    const next = Math.floor(Date.now() / 1000) + 3 * 86400;
    await h.postStripe(
      stripeEvent("invoice.payment_failed", {
        id: uid("in"),
        object: "invoice",
        customer: cus,
        amount_due: 1900,
        currency: "eur",
        attempt_count: 1,
        billing_reason: "subscription_cycle",
        next_payment_attempt: next,
        hosted_invoice_url: "https://invoice.stripe.com/i/acct_1/test_inv",
        parent: { type: "subscription_details", subscription_details: { subscription: sub } },
      }),
    );
    await h.postApp(
      appEvent("support.requested", {
        requestId: uid("req"),
        userId,
        email: `${userId}@example.com`,
        subject: "Card declined",
        message: "My card was declined",
      }),
    );
    await h.settle();
    const failing = await read(userId);
    expect(failing.body).toMatchObject({
      entitlement: { status: "past_due", access: true },
      billing: {
        state: "payment_failed",
        nextRetryAt: new Date(next * 1000).toISOString(),
        amountDue: 1900,
        currency: "eur",
        recoveryUrl: "https://invoice.stripe.com/i/acct_1/test_inv",
      },
      support: [{ subject: "Card declined", status: "open", reference: expect.stringMatching(/^SUP-/) }],
    });
  });

  it("support[].status is ours, as Zendesk's status webhooks report it", async () => {
    const userId = uid("u");
    const email = `${userId}@example.com`;
    await h.postApp(appEvent("user.signed_up", { userId, email }));
    await h.settle();
    const requestId = uid("req");
    await h.postApp(
      appEvent("support.requested", { requestId, userId, email, subject: "Where is my receipt", message: "?" }),
    );
    await h.settle();
    const [ticket] = await h.db.select().from(supportTickets).where(eq(supportTickets.requestId, requestId));
    expect((await read(userId)).body).toMatchObject({ support: [{ reference: ticket!.reference, status: "open" }] });
    await postZendesk(zendeskStatusEvent(ticket!.zendeskTicketId!, "PENDING"));
    await h.settle();
    expect((await read(userId)).body).toMatchObject({
      support: [{ reference: ticket!.reference, subject: "Where is my receipt", status: "pending" }],
    });
    await postZendesk(zendeskStatusEvent(ticket!.zendeskTicketId!, "HOLD"));
    await h.settle();
    expect((await read(userId)).body).toMatchObject({ support: [{ status: "on_hold" }] });
  });

  it("is rate-limited per token: 429 with Retry-After past the limit", async () => {
    let last = 0;
    for (let i = 0; i <= APP_API_PER_MINUTE; i++) last = (await read("nobody-here")).status;
    expect(last).toBe(429);
  });
});
