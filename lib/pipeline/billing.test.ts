// The billing paths a founder meets in the first weeks, end to end: real routes, PGlite, the real SDKs
// against the sandboxes. Each ends in the right state, with no event left failed and no silence.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import * as control from "@/sandbox/client";
import type { HubspotState } from "@/sandbox/client";
import { alerts, customers, entitlements, events, eventSteps, identities } from "@/db/schema";
import { lastDeletedStripeCustomer } from "@/db/queries/event-steps";
import { appEvent, startHarness, stripeEvent, uid, type Harness } from "@/test/harness";
import { env, resetEnvCache } from "@/lib/env";
import { deliverNotifications } from "@/lib/monitoring/notifier";
import { GET as customerRoute } from "@/app/api/admin/customers/[appUserId]/route";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { EntitlementCard } from "@/app/(console)/customers/[appUserId]/entitlement-card";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
// No sandbox reset between tests: the database is shared, so HubSpot's contact ids must stay unique too.

const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);
const hubspot = () => control.state<HubspotState>(h.sandbox.hubspot);
const contactOf = async (appUserId: string) =>
  (await hubspot()).contacts.find((c) => c.properties.app_user_id === appUserId)!;
const eventRow = async (externalId: string) =>
  (
    await h.db
      .select()
      .from(events)
      .where(and(eq(events.source, "stripe"), eq(events.externalId, externalId)))
  )[0]!;
const stepsOf = async (externalId: string) =>
  Object.fromEntries(
    (
      await h.db
        .select()
        .from(eventSteps)
        .where(eq(eventSteps.eventId, (await eventRow(externalId)).id))
    ).map((s) => [s.step, s]),
  );
const customerOf = async (appUserId: string) =>
  (await h.db.select().from(customers).where(eq(customers.appUserId, appUserId)))[0]!;
const entitlementOf = async (appUserId: string) =>
  (
    await h.db
      .select()
      .from(entitlements)
      .where(eq(entitlements.customerId, (await customerOf(appUserId)).id))
  )[0];
const alertsOf = async (appUserId: string) =>
  h.db
    .select()
    .from(alerts)
    .where(eq(alerts.customerId, (await customerOf(appUserId)).id));

async function post(event: ReturnType<typeof stripeEvent>) {
  expect((await h.postStripe(event)).status).toBe(200);
  await h.settle();
  return event;
}

/** An app user the app announced, and their Stripe customer (carrying our app user id). */
async function payer() {
  const userId = uid("u");
  expect(
    (await h.postApp(appEvent("user.signed_up", { userId, email: `${userId}@example.com`, name: "Ada Lovelace" })))
      .status,
  ).toBe(200);
  await h.settle();
  const cus = uid("cus");
  await control.seed(h.sandbox.stripe, [{ object: "customer", id: cus, metadata: { app_user_id: userId } }]);
  return { userId, cus };
}

async function adminView(appUserId: string) {
  const res = await customerRoute(
    new Request(`http://127.0.0.1/api/admin/customers/${appUserId}`, {
      headers: { authorization: `Bearer ${env.ADMIN_API_TOKEN}` },
    }),
    { params: Promise.resolve({ appUserId }) },
  );
  expect(res.status).toBe(200);
  return (await res.json()) as { entitlement: Record<string, unknown> };
}

const subscriptionObject = (cus: string, status: string, extra: Record<string, unknown> = {}) => ({
  id: `sub_${cus}`,
  object: "subscription",
  customer: cus,
  status,
  items: { data: [{ price: { id: "price_pro", lookup_key: "pro" }, current_period_end: now() + 30 * DAY }] },
  ...extra,
});

const invoiceObject = (cus: string, extra: Record<string, unknown> = {}) => ({
  id: uid("in"),
  object: "invoice",
  customer: cus,
  number: "INV-0001",
  amount_due: 2900,
  currency: "usd",
  attempt_count: 1,
  billing_reason: "subscription_cycle",
  next_payment_attempt: now() + 3 * DAY,
  parent: { type: "subscription_details", subscription_details: { subscription: `sub_${cus}` } },
  ...extra,
});

/** A one-time price whose product says what it grants, and a paid Checkout session (mode payment) for it. */
async function paidCheckout(o: { userId: string; cus: string; paymentStatus?: string }) {
  const pi = uid("pi");
  const session = uid("cs");
  await control.seed(h.sandbox.stripe, [
    { object: "product", id: `prod_${session}`, name: "Lifetime", metadata: { plan: "lifetime_pro" } },
    { object: "price", id: `price_${session}`, product: `prod_${session}`, unit_amount: 9900 },
    {
      object: "checkout.session",
      id: session,
      mode: "payment",
      customer: o.cus,
      payment_intent: pi,
      payment_status: o.paymentStatus ?? "paid",
      line_items: [{ price: `price_${session}`, quantity: 1 }],
    },
  ]);
  const object = {
    id: session,
    object: "checkout.session",
    mode: "payment",
    customer: o.cus,
    client_reference_id: o.userId,
    payment_intent: pi,
    payment_status: o.paymentStatus ?? "paid",
    amount_total: 9900,
    currency: "usd",
  };
  return { pi, session, object };
}

const charge = (cus: string | null, pi: string, extra: Record<string, unknown> = {}) => ({
  id: uid("ch"),
  object: "charge",
  customer: cus,
  payment_intent: pi,
  amount: 9900,
  amount_refunded: 0,
  currency: "usd",
  ...extra,
});

describe("first payment of a new subscription fails", () => {
  it("incomplete: no access, not past_due, a lead in HubSpot, and the alert says the first payment failed", async () => {
    const { userId, cus } = await payer();
    await control.seed(h.sandbox.stripe, [
      { object: "subscription", id: `sub_${cus}`, customer: cus, status: "incomplete" },
    ]);
    const t = now();
    await post(stripeEvent("customer.subscription.created", subscriptionObject(cus, "incomplete"), { created: t }));
    const failed = await post(
      stripeEvent(
        "invoice.payment_failed",
        invoiceObject(cus, { billing_reason: "subscription_create", next_payment_attempt: null }),
        { created: t + 1 },
      ),
    );
    expect((await eventRow(failed.id)).status).toBe("succeeded");
    expect((await entitlementOf(userId))!.status).toBe("incomplete");
    const [alert] = await alertsOf(userId);
    expect(alert).toMatchObject({ kind: "billing", status: "open", severity: "warning" });
    expect(alert!.title).toBe(`First payment failed for Ada Lovelace (${userId})`);
    expect(alert!.message).toContain("no access was granted");
    const contact = await contactOf(userId);
    expect(contact.properties.app_billing_status).toBe("incomplete");
    expect(contact.properties.lifecyclestage).toBe("lead");
    expect((await adminView(userId)).entitlement).toMatchObject({ status: "incomplete", access: false });

    // Stripe gives up after 23 hours: incomplete_expired means nothing was ever bought.
    await post(
      stripeEvent("customer.subscription.updated", subscriptionObject(cus, "incomplete_expired"), { created: t + 2 }),
    );
    expect((await entitlementOf(userId))!.status).toBe("none");
  });
});

describe("past_due means one thing everywhere (PAST_DUE_ACCESS)", () => {
  async function failRenewal() {
    const { userId, cus } = await payer();
    await post(
      stripeEvent("customer.subscription.created", subscriptionObject(cus, "active"), { created: now() - 60 }),
    );
    await post(stripeEvent("invoice.payment_failed", invoiceObject(cus)));
    return userId;
  }

  it("keep (the default): access continues, and the alert says so", async () => {
    const userId = await failRenewal();
    expect((await entitlementOf(userId))!.status).toBe("past_due");
    const [alert] = await alertsOf(userId);
    expect(alert!.message).toContain("Access continues while Stripe retries the payment.");
    expect(alert!.message).not.toMatch(/paused/i);
    expect((await adminView(userId)).entitlement).toMatchObject({ status: "past_due", access: true });
    const page = renderToStaticMarkup(createElement(EntitlementCard, { entitlement: (await entitlementOf(userId))! }));
    expect(page).toContain("Access continues while Stripe retries the payment.");
    expect(page).toMatch(/Paid access<\/dt><dd[^>]*><span[^>]*>Yes</);
  });

  it("pause: access stops, and the alert and the customer page say so", async () => {
    process.env.PAST_DUE_ACCESS = "pause";
    resetEnvCache();
    try {
      const userId = await failRenewal();
      const [alert] = await alertsOf(userId);
      expect(alert!.message).toContain("Access is paused until the payment succeeds.");
      expect((await adminView(userId)).entitlement).toMatchObject({ status: "past_due", access: false });
      const page = renderToStaticMarkup(
        createElement(EntitlementCard, { entitlement: (await entitlementOf(userId))! }),
      );
      expect(page).toContain("Access is paused until the payment succeeds.");
      expect(page).toMatch(/Paid access<\/dt><dd[^>]*><span[^>]*>No</);
      expect(page).not.toContain("Access continues");
    } finally {
      delete process.env.PAST_DUE_ACCESS;
      resetEnvCache();
    }
  });
});

describe("one-time purchases", () => {
  it("Checkout mode payment grants the plan of the price's product and remembers the PaymentIntent", async () => {
    const { userId, cus } = await payer();
    const { pi, object } = await paidCheckout({ userId, cus });
    const e = await post(stripeEvent("checkout.session.completed", object));
    expect((await eventRow(e.id)).status).toBe("succeeded");
    expect(await entitlementOf(userId)).toMatchObject({
      status: "active",
      plan: "lifetime_pro",
      stripePaymentIntentId: pi,
      currentPeriodEnd: null,
    });
    expect((await contactOf(userId)).properties).toMatchObject({
      app_plan: "lifetime_pro",
      lifecyclestage: "customer",
    });
  });

  it("a price's lookup_key wins over its product's metadata.plan; a price that maps to no plan fails with what to set", async () => {
    const { userId, cus } = await payer();
    const { object, session } = await paidCheckout({ userId, cus });
    await control.seed(h.sandbox.stripe, [{ object: "price", id: `price_${session}`, lookup_key: "founder_pack" }]);
    await post(stripeEvent("checkout.session.completed", object));
    expect((await entitlementOf(userId))!.plan).toBe("founder_pack");

    const other = await payer();
    const unmapped = await paidCheckout(other);
    await control.seed(h.sandbox.stripe, [{ object: "product", id: `prod_${unmapped.session}`, metadata: {} }]);
    const e = await post(stripeEvent("checkout.session.completed", unmapped.object));
    const row = await eventRow(e.id);
    expect(row.status).toBe("failed");
    expect(row.lastError).toContain(`give price price_${unmapped.session} a lookup_key, or its product metadata.plan`);
  });

  it("a PaymentSheet payment (payment_intent.succeeded) grants the plan its metadata.price names, by lookup key or id", async () => {
    const { userId, cus } = await payer();
    const lookupKey = uid("pro_lifetime");
    await control.seed(h.sandbox.stripe, [
      { object: "price", id: uid("price"), lookup_key: lookupKey },
      { object: "product", id: "prod_team", metadata: { plan: "team_lifetime" } },
      { object: "price", id: "price_team_once", product: "prod_team" },
    ]);
    const pi = uid("pi");
    const paid = {
      id: pi,
      object: "payment_intent",
      customer: cus,
      amount: 4900,
      currency: "usd",
      status: "succeeded",
      metadata: { app_user_id: userId, price: lookupKey },
    };
    await post(stripeEvent("payment_intent.succeeded", paid));
    expect(await entitlementOf(userId)).toMatchObject({ status: "active", plan: lookupKey, stripePaymentIntentId: pi });

    const second = uid("pi");
    await post(
      stripeEvent("payment_intent.succeeded", { ...paid, id: second, metadata: { price: "price_team_once" } }),
    );
    expect(await entitlementOf(userId)).toMatchObject({ plan: "team_lifetime", stripePaymentIntentId: second });
  });

  it("a PaymentSheet guest payment (no Stripe customer) resolves by metadata.app_user_id", async () => {
    const { userId } = await payer();
    const pi = uid("pi");
    const e = await post(
      stripeEvent("payment_intent.succeeded", {
        id: pi,
        object: "payment_intent",
        customer: null,
        amount: 4900,
        currency: "usd",
        metadata: { app_user_id: userId, plan: "lifetime" },
      }),
    );
    expect((await eventRow(e.id)).status).toBe("succeeded");
    expect(await entitlementOf(userId)).toMatchObject({
      status: "active",
      plan: "lifetime",
      stripePaymentIntentId: pi,
    });
  });

  it("a PaymentIntent that is not an app purchase (an invoice's) is skipped with a reason, not failed", async () => {
    const e = await post(
      stripeEvent("payment_intent.succeeded", {
        id: uid("pi"),
        object: "payment_intent",
        customer: uid("cus_unknown"),
        amount: 2900,
        currency: "usd",
        metadata: {},
      }),
    );
    expect((await eventRow(e.id)).status).toBe("succeeded");
    const steps = await stepsOf(e.id);
    expect(steps["update-entitlement"]).toMatchObject({ status: "skipped" });
    expect(JSON.stringify(steps["update-entitlement"]!.output)).toContain("not an app purchase");
  });
});

describe("refunds", () => {
  it("a partial refund keeps the access; a full refund of the granting payment removes it", async () => {
    const { userId, cus } = await payer();
    const { pi, object } = await paidCheckout({ userId, cus });
    const t = now();
    await post(stripeEvent("checkout.session.completed", object, { created: t }));
    const c = charge(cus, pi);
    const partial = await post(stripeEvent("charge.refunded", { ...c, amount_refunded: 2000 }, { created: t + 10 }));
    expect((await eventRow(partial.id)).status).toBe("succeeded");
    expect((await entitlementOf(userId))!.status).toBe("active");
    expect(JSON.stringify((await stepsOf(partial.id))["update-entitlement"]!.output)).toContain("partial refund");

    await post(stripeEvent("charge.refunded", { ...c, amount_refunded: 9900, refunded: true }, { created: t + 20 }));
    expect(await entitlementOf(userId)).toMatchObject({
      status: "canceled",
      plan: "lifetime_pro",
      stripePaymentIntentId: pi,
    });
    expect((await adminView(userId)).entitlement).toMatchObject({ status: "canceled", access: false });
    // The grant delivered again (a replay, a duplicate with a new id but its own older time) does not revive it.
    await post(stripeEvent("checkout.session.completed", object, { created: t }));
    expect((await entitlementOf(userId))!.status).toBe("canceled");
  });

  it("a full refund of a subscription payment does not end the subscription", async () => {
    const { userId, cus } = await payer();
    await post(
      stripeEvent("customer.subscription.created", subscriptionObject(cus, "active"), { created: now() - 60 }),
    );
    const e = await post(
      stripeEvent("charge.refunded", charge(cus, uid("pi"), { amount: 2900, amount_refunded: 2900, refunded: true })),
    );
    expect((await eventRow(e.id)).status).toBe("succeeded");
    expect((await entitlementOf(userId))!.status).toBe("active");
    const step = (await stepsOf(e.id))["update-entitlement"]!;
    expect(step.status).toBe("skipped");
    expect(JSON.stringify(step.output)).toContain("did not grant the current access");
  });
});

describe("disputes", () => {
  async function disputedPurchase() {
    const { userId, cus } = await payer();
    const { pi, object } = await paidCheckout({ userId, cus });
    const t = now();
    await post(stripeEvent("checkout.session.completed", object, { created: t - 100 }));
    const c = charge(cus, pi);
    await control.seed(h.sandbox.stripe, [c]);
    const dispute = {
      id: uid("dp"),
      object: "dispute",
      charge: c.id,
      payment_intent: pi,
      amount: 9900,
      currency: "usd",
      reason: "fraudulent",
      status: "needs_response",
    };
    return { userId, pi, dispute, t };
  }

  it("opened: flagged on the entitlement (access kept), one critical alert linked to the customer; won: flag cleared, alert resolved", async () => {
    const { userId, dispute, t } = await disputedPurchase();
    const opened = await post(stripeEvent("charge.dispute.created", dispute, { created: t }));
    expect((await eventRow(opened.id)).status).toBe("succeeded");
    const flagged = (await entitlementOf(userId))!;
    expect(flagged.status).toBe("active");
    expect(flagged.disputedAt?.getTime()).toBe(t * 1000);
    expect((await adminView(userId)).entitlement.disputedAt).toBe(new Date(t * 1000).toISOString());
    const page = renderToStaticMarkup(createElement(EntitlementCard, { entitlement: flagged }));
    expect(page).toContain("A payment of this customer is disputed");
    const [alert] = await alertsOf(userId);
    expect(alert).toMatchObject({ severity: "critical", status: "open", dedupeKey: `dispute:${dispute.id}` });

    await post(stripeEvent("charge.dispute.closed", { ...dispute, status: "won" }, { created: t + 50 }));
    expect(await entitlementOf(userId)).toMatchObject({ status: "active", disputedAt: null });
    expect((await alertsOf(userId))[0]!.status).toBe("resolved");
    // The opening delivered late does not flag a dispute already won.
    await post(stripeEvent("charge.dispute.created", dispute, { created: t }));
    expect((await entitlementOf(userId))!.disputedAt).toBeNull();
  });

  it("lost: the access the payment granted goes, the flag and the alert stay", async () => {
    const { userId, dispute, t } = await disputedPurchase();
    await post(stripeEvent("charge.dispute.created", dispute, { created: t }));
    const closed = await post(
      stripeEvent("charge.dispute.closed", { ...dispute, status: "lost" }, { created: t + 50 }),
    );
    expect((await eventRow(closed.id)).status).toBe("succeeded");
    const entitlement = (await entitlementOf(userId))!;
    expect(entitlement.status).toBe("canceled");
    expect(entitlement.disputedAt?.getTime()).toBe(t * 1000);
    const [alert] = await alertsOf(userId);
    expect(alert).toMatchObject({ status: "open", severity: "critical" });
    expect(alert!.title).toMatch(/^Dispute lost/);
  });
});

describe("disputes of a subscription payment", () => {
  it("found through the charge in Stripe; lost keeps the subscription (Stripe's events end it) and the flag", async () => {
    const { userId, cus } = await payer();
    const t = now() - 100;
    await post(stripeEvent("customer.subscription.created", subscriptionObject(cus, "active"), { created: t }));
    const c = charge(cus, uid("pi"), { amount: 2900 });
    await control.seed(h.sandbox.stripe, [c]);
    const dispute = {
      id: uid("dp"),
      object: "dispute",
      charge: c.id,
      payment_intent: c.payment_intent,
      amount: 2900,
      currency: "usd",
      reason: "product_not_received",
      status: "needs_response",
    };
    await post(stripeEvent("charge.dispute.created", dispute, { created: t + 10 }));
    const closed = await post(
      stripeEvent("charge.dispute.closed", { ...dispute, status: "lost" }, { created: t + 20 }),
    );
    expect((await eventRow(closed.id)).status).toBe("succeeded");
    const entitlement = (await entitlementOf(userId))!;
    expect(entitlement.status).toBe("active");
    expect(entitlement.disputedAt?.getTime()).toBe((t + 10) * 1000);
    expect((await alertsOf(userId)).map((a) => a.title)).toEqual([expect.stringMatching(/^Dispute lost/)]);
  });
});

describe("delayed payment methods", () => {
  it("completed but unpaid grants nothing yet; async_payment_succeeded grants", async () => {
    const { userId, cus } = await payer();
    const { object } = await paidCheckout({ userId, cus, paymentStatus: "unpaid" });
    const completed = await post(stripeEvent("checkout.session.completed", object));
    expect((await eventRow(completed.id)).status).toBe("succeeded");
    const step = (await stepsOf(completed.id))["update-entitlement"]!;
    expect(step.status).toBe("skipped");
    expect(JSON.stringify(step.output)).toContain("still pending");
    expect((await entitlementOf(userId))?.status ?? "none").toBe("none");

    await post(stripeEvent("checkout.session.async_payment_succeeded", { ...object, payment_status: "paid" }));
    expect(await entitlementOf(userId)).toMatchObject({ status: "active", plan: "lifetime_pro" });
  });

  it("async_payment_failed grants nothing and raises the billing alert", async () => {
    const { userId, cus } = await payer();
    const { object } = await paidCheckout({ userId, cus, paymentStatus: "unpaid" });
    await post(stripeEvent("checkout.session.completed", object));
    const failed = await post(stripeEvent("checkout.session.async_payment_failed", object));
    expect((await eventRow(failed.id)).status).toBe("succeeded");
    expect((await entitlementOf(userId))?.status ?? "none").toBe("none");
    const [alert] = await alertsOf(userId);
    expect(alert).toMatchObject({
      kind: "billing",
      status: "open",
      title: `Payment failed for Ada Lovelace (${userId})`,
    });
    expect(alert!.message).toContain("no access was granted");
    // The customer pays again by card: access, and the alert resolves.
    await post(stripeEvent("checkout.session.completed", (await paidCheckout({ userId, cus })).object));
    expect((await entitlementOf(userId))!.status).toBe("active");
    expect((await alertsOf(userId))[0]!.status).toBe("resolved");
  });
});

describe("dunning without noise", () => {
  it("one alert per invoice across retries (out of order too), escalated once on the final attempt, resolved when paid; notified on open, escalation and resolve only", async () => {
    const { userId, cus } = await payer();
    const t = now() - 1000;
    await post(stripeEvent("customer.subscription.created", subscriptionObject(cus, "active"), { created: t }));
    const inv = invoiceObject(cus);
    const attempt = (n: number, final = false) =>
      stripeEvent(
        "invoice.payment_failed",
        { ...inv, attempt_count: n, next_payment_attempt: final ? null : t + n * 3 * DAY },
        { created: t + n * 10 },
      );
    const texts: string[] = [];
    const notify = async () => {
      await deliverNotifications(h.db, {
        url: "http://127.0.0.1:9/hook",
        retries: 0,
        fetchImpl: (async (_url: unknown, init?: RequestInit) => {
          const text = (JSON.parse(String(init?.body)) as { text: string }).text;
          if (text.includes(userId)) texts.push(text);
          return new Response("ok");
        }) as typeof fetch,
      });
    };

    await post(attempt(1));
    await notify();
    await post(attempt(3));
    await post(attempt(2)); // a late retry: does not lower the count
    await notify();
    let rows = await alertsOf(userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ dedupeKey: `payment_failed:${inv.id}`, severity: "warning", status: "open" });
    expect(rows[0]!.details).toMatchObject({ attempt: 3 });
    expect(rows[0]!.message).toContain("attempt 3");
    expect(rows[0]!.message).toContain(
      `Stripe retries on ${new Date((t + 9 * DAY) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`,
    );

    await post(attempt(4, true));
    await post(attempt(2)); // later still: nothing changes
    await notify();
    rows = await alertsOf(userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ severity: "critical", status: "open" });
    expect(rows[0]!.message).toContain("final attempt");

    await post(
      stripeEvent(
        "invoice.paid",
        { ...inv, attempt_count: 5, lines: { data: [{ period: { start: t, end: t + 30 * DAY } }] } },
        { created: t + 100 },
      ),
    );
    await notify();
    expect((await alertsOf(userId))[0]!.status).toBe("resolved");
    expect((await entitlementOf(userId))!.status).toBe("active");
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain("attempt 1");
    expect(texts[1]).toMatch(/^:red_circle: Escalated: /);
    expect(texts[2]).toMatch(/Resolved/);
  });
});

describe("trials and changes", () => {
  it("trial_will_end is on the customer's timeline and puts the trial's end in HubSpot", async () => {
    const { userId, cus } = await payer();
    const trialEnd = Date.UTC(2030, 0, 15, 13, 30) / 1000;
    const e = await post(
      stripeEvent("customer.subscription.trial_will_end", subscriptionObject(cus, "trialing", { trial_end: trialEnd })),
    );
    const row = await eventRow(e.id);
    expect(row).toMatchObject({ status: "succeeded", customerId: (await customerOf(userId)).id });
    expect((await contactOf(userId)).properties.app_trial_ends_at).toBe(String(Date.UTC(2030, 0, 15)));
    expect((await entitlementOf(userId))!.status).toBe("trialing");
  });

  it("an upgrade, a downgrade and cancel_at_period_end reach the entitlement and HubSpot", async () => {
    const { userId, cus } = await payer();
    const t = now() - 100;
    const withPrice = (key: string, extra: Record<string, unknown> = {}) =>
      subscriptionObject(cus, "active", {
        items: { data: [{ price: { id: `price_${key}`, lookup_key: key }, current_period_end: t + 30 * DAY }] },
        ...extra,
      });
    await post(stripeEvent("customer.subscription.created", withPrice("pro"), { created: t }));
    await post(stripeEvent("customer.subscription.updated", withPrice("team"), { created: t + 10 }));
    expect((await entitlementOf(userId))!.plan).toBe("team");
    expect((await contactOf(userId)).properties.app_plan).toBe("team");
    await post(
      stripeEvent("customer.subscription.updated", withPrice("starter", { cancel_at_period_end: true }), {
        created: t + 20,
      }),
    );
    expect(await entitlementOf(userId)).toMatchObject({ plan: "starter", status: "active", cancelAtPeriodEnd: true });
    expect((await contactOf(userId)).properties.app_plan).toBe("starter");
    // Cancellation withdrawn.
    await post(stripeEvent("customer.subscription.updated", withPrice("starter"), { created: t + 30 }));
    expect((await entitlementOf(userId))!.cancelAtPeriodEnd).toBe(false);
  });
});

describe("customer.deleted", () => {
  it("unlinks the Stripe customer (the event stays on the customer's timeline) and clears it in HubSpot", async () => {
    const { userId, cus } = await payer();
    await post(stripeEvent("customer.subscription.created", subscriptionObject(cus, "active")));
    const customer = await customerOf(userId);
    expect((await contactOf(userId)).properties.app_stripe_customer_id).toBe(cus);
    const e = await post(stripeEvent("customer.deleted", { id: cus, object: "customer", metadata: {} }));
    expect(await eventRow(e.id)).toMatchObject({ status: "succeeded", customerId: customer.id });
    const links = await h.db
      .select()
      .from(identities)
      .where(and(eq(identities.customerId, customer.id), eq(identities.system, "stripe")));
    expect(links).toHaveLength(0);
    expect((await contactOf(userId)).properties.app_stripe_customer_id ?? "").toBe("");
    // What the customer page says in the Stripe row.
    expect(await lastDeletedStripeCustomer(h.db, customer.id)).toMatchObject({ stripeCustomerId: cus });
  });

  it("a Stripe customer never linked is skipped, not failed", async () => {
    const e = await post(stripeEvent("customer.deleted", { id: uid("cus"), object: "customer", metadata: {} }));
    expect((await eventRow(e.id)).status).toBe("succeeded");
    expect((await stepsOf(e.id))["resolve-identity"]).toMatchObject({ status: "skipped" });
  });
});
