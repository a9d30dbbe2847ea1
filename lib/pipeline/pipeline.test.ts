// The pipeline end to end: real routes, PGlite, the real SDKs against the sandboxes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import * as control from "@/sandbox/client";
import type { HubspotState, ZendeskState } from "@/sandbox/client";
import { alerts, customers, entitlements, events, eventSteps, identities, supportTickets } from "@/db/schema";
import { appEvent, startHarness, stripeEvent, uid, type Harness } from "@/test/harness";
import { processEvent } from "./engine/process-event";
import zendeskSdk from "node-zendesk";
import { env } from "@/lib/env";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(() => h.sandbox.reset());

const hubspot = () => control.state<HubspotState>(h.sandbox.hubspot);
const contactsOf = async (appUserId: string) =>
  (await hubspot()).contacts.filter((c) => c.properties.app_user_id === appUserId);
const eventRow = async (source: "stripe" | "app", externalId: string) =>
  (
    await h.db
      .select()
      .from(events)
      .where(and(eq(events.source, source), eq(events.externalId, externalId)))
  )[0]!;
const stepsOf = async (eventId: string) =>
  Object.fromEntries(
    (await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, eventId))).map((s) => [s.step, s]),
  );
const customerOf = async (appUserId: string) =>
  (await h.db.select().from(customers).where(eq(customers.appUserId, appUserId)))[0];
const entitlementOf = async (customerId: string) =>
  (await h.db.select().from(entitlements).where(eq(entitlements.customerId, customerId)))[0];

async function signUp(userId = uid("u"), email = `${userId}@example.com`, name = "Ada Lovelace") {
  const res = await h.postApp(appEvent("user.signed_up", { userId, email, name }));
  expect(res.status).toBe(200);
  await h.settle();
  return { userId, email };
}

async function seedSubscription(o: {
  customer: string;
  email?: string;
  appUserId?: string;
  status?: string;
  plan?: string;
  periodEnd?: number;
}) {
  await control.seed(h.sandbox.stripe, [
    {
      object: "customer",
      id: o.customer,
      email: o.email ?? null,
      metadata: o.appUserId ? { app_user_id: o.appUserId } : {},
    },
    {
      object: "subscription",
      id: `sub_${o.customer}`,
      customer: o.customer,
      status: o.status ?? "active",
      price: { id: `price_${o.plan ?? "pro"}`, lookup_key: o.plan ?? "pro" },
      current_period_end: o.periodEnd ?? Math.floor(Date.now() / 1000) + 30 * 86400,
    },
  ]);
  return `sub_${o.customer}`;
}

describe("user.signed_up", () => {
  it("makes one customer, its app identity and one HubSpot contact with the custom properties", async () => {
    const { userId, email } = await signUp();
    const customer = await customerOf(userId);
    expect(customer).toMatchObject({ email, name: "Ada Lovelace" });
    const ids = await h.db.select().from(identities).where(eq(identities.customerId, customer!.id));
    expect(ids.map((i) => i.system).sort()).toEqual(["app", "hubspot"]);
    const [contact] = await contactsOf(userId);
    expect(contact!.properties).toMatchObject({
      email,
      app_user_id: userId,
      firstname: "Ada",
      lastname: "Lovelace",
      lifecyclestage: "lead",
      app_billing_status: "none",
    });
    expect((await hubspot()).properties.map((p) => p.name)).toEqual(
      expect.arrayContaining(["app_user_id", "app_plan", "app_billing_status"]),
    );
  });

  it("10 deliveries one after another and 20 at once: one event row, one customer, one contact", async () => {
    const userId = uid("u");
    const e = appEvent("user.signed_up", { userId, email: `${userId}@example.com` });
    for (let i = 0; i < 10; i++) expect((await h.postApp(e)).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 20 }, () => h.postApp(e)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.duplicate).length).toBe(20);
    await h.settle();
    expect(await h.db.select().from(events).where(eq(events.externalId, e.id))).toHaveLength(1);
    expect(await h.db.select().from(customers).where(eq(customers.appUserId, userId))).toHaveLength(1);
    const contacts = await contactsOf(userId);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.writes).toBe(1);
  });
});

describe("traceability", () => {
  it("the event's correlation id travels on every outbound request", async () => {
    const { userId, email } = await signUp();
    const res = await h.postApp(
      appEvent("support.requested", { requestId: uid("req"), userId, email, subject: "Hi", message: "Help" }),
    );
    await h.settle();
    const [row] = await h.db
      .select()
      .from(events)
      .where(eq(events.id, String(res.body.id)));
    const zendeskCalls = await control.requests(h.sandbox.zendesk);
    expect(zendeskCalls.length).toBeGreaterThan(0);
    for (const call of zendeskCalls) expect(call.headers["x-correlation-id"]).toBe(row!.correlationId);
    const [signup] = await h.db
      .select()
      .from(events)
      .where(and(eq(events.customerId, row!.customerId!), eq(events.type, "user.signed_up")));
    const upserts = await control.requests(h.sandbox.hubspot, { path: "/crm/v3/objects/contacts/batch/upsert" });
    expect(upserts.some((u) => u.headers["x-correlation-id"] === signup!.correlationId)).toBe(true);
  });
});

describe("Stripe billing events", () => {
  it("checkout links the Stripe customer by client_reference_id and grants the plan; HubSpot becomes a customer", async () => {
    const { userId } = await signUp();
    const cus = uid("cus");
    const sub = await seedSubscription({ customer: cus, plan: "pro" });
    const e = stripeEvent("checkout.session.completed", {
      id: uid("cs"),
      object: "checkout.session",
      mode: "subscription",
      customer: cus,
      subscription: sub,
      client_reference_id: userId,
      payment_status: "paid",
    });
    expect((await h.postStripe(e)).status).toBe(200);
    await h.settle();
    const customer = (await customerOf(userId))!;
    expect(await entitlementOf(customer.id)).toMatchObject({
      status: "active",
      plan: "pro",
      stripeSubscriptionId: sub,
    });
    const [link] = await h.db
      .select()
      .from(identities)
      .where(and(eq(identities.customerId, customer.id), eq(identities.system, "stripe")));
    expect(link).toMatchObject({ externalId: cus, matchedBy: "id", verified: true });
    expect((await contactsOf(userId))[0]!.properties).toMatchObject({
      lifecyclestage: "customer",
      app_plan: "pro",
      app_billing_status: "active",
      app_stripe_customer_id: cus,
    });
  });

  it("without our reference, links by a unique email and marks the link unverified", async () => {
    const { userId, email } = await signUp();
    const cus = uid("cus");
    const sub = await seedSubscription({ customer: cus, email });
    await h.postStripe(
      stripeEvent("checkout.session.completed", {
        id: uid("cs"),
        object: "checkout.session",
        mode: "subscription",
        customer: cus,
        subscription: sub,
        customer_details: { email },
      }),
    );
    await h.settle();
    const customer = (await customerOf(userId))!;
    const [link] = await h.db
      .select()
      .from(identities)
      .where(and(eq(identities.customerId, customer.id), eq(identities.system, "stripe")));
    expect(link).toMatchObject({ externalId: cus, matchedBy: "email", verified: false });
  });

  it("a failed payment: past_due, exactly one alert however often delivered; invoice.paid restores access and resolves it", async () => {
    const { userId } = await signUp();
    const cus = uid("cus");
    const sub = await seedSubscription({ customer: cus, appUserId: userId });
    const t = Math.floor(Date.now() / 1000);
    const invoice = {
      id: uid("in"),
      object: "invoice",
      customer: cus,
      amount_due: 1900,
      currency: "eur",
      attempt_count: 1,
      parent: { type: "subscription_details", subscription_details: { subscription: sub } },
    };
    const failed = stripeEvent("invoice.payment_failed", invoice, { created: t });
    await Promise.all(Array.from({ length: 20 }, () => h.postStripe(failed)));
    for (let i = 0; i < 10; i++) await h.postStripe(failed);
    await h.settle();
    expect(await h.db.select().from(events).where(eq(events.externalId, failed.id))).toHaveLength(1);
    const customer = (await customerOf(userId))!;
    expect((await entitlementOf(customer.id))!.status).toBe("past_due");
    const open = await h.db.select().from(alerts).where(eq(alerts.customerId, customer.id));
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ kind: "billing", status: "open", dedupeKey: `payment_failed:${invoice.id}` });
    // Alert texts go to ALERT_WEBHOOK_URL: they name the person by name (the email only when there is none).
    expect(open[0]!.title).toBe(`Payment failed for Ada Lovelace (${userId})`);
    expect(`${open[0]!.title} ${open[0]!.message}`).not.toContain("@");
    expect((await contactsOf(userId))[0]!.properties.app_billing_status).toBe("past_due");

    const periodEnd = t + 30 * 86400;
    const paid = stripeEvent(
      "invoice.paid",
      {
        ...invoice,
        lines: { data: [{ period: { start: t, end: periodEnd }, pricing: { price_details: { price: "price_pro" } } }] },
      },
      { created: t + 60 },
    );
    await h.postStripe(paid);
    await h.settle();
    const entitlement = (await entitlementOf(customer.id))!;
    expect(entitlement.status).toBe("active");
    expect(entitlement.currentPeriodEnd?.getTime()).toBe(periodEnd * 1000);
    expect((await h.db.select().from(alerts).where(eq(alerts.customerId, customer.id)))[0]!.status).toBe("resolved");
  });

  it("accepts the older API shape (invoice.subscription, subscription.current_period_end)", async () => {
    const { userId } = await signUp();
    const cus = uid("cus");
    const sub = await seedSubscription({ customer: cus, appUserId: userId });
    const end = Math.floor(Date.now() / 1000) + 7 * 86400;
    await h.postStripe(
      stripeEvent("invoice.paid", {
        id: uid("in"),
        object: "invoice",
        customer: cus,
        subscription: sub,
        period_end: end,
        lines: { data: [] },
      }),
    );
    await h.settle();
    const entitlement = (await entitlementOf((await customerOf(userId))!.id))!;
    expect(entitlement).toMatchObject({ status: "active", stripeSubscriptionId: sub });
    expect(entitlement.currentPeriodEnd?.getTime()).toBe(end * 1000);
    await h.postStripe(
      stripeEvent(
        "customer.subscription.updated",
        {
          id: sub,
          object: "subscription",
          customer: cus,
          status: "past_due",
          current_period_end: end + 86400,
          plan: { id: "price_old", nickname: "Legacy" },
        },
        { created: Math.floor(Date.now() / 1000) + 5 },
      ),
    );
    await h.settle();
    expect(await entitlementOf((await customerOf(userId))!.id)).toMatchObject({ status: "past_due", plan: "Legacy" });
  });

  it("every ordering of a subscription's events ends with the newest state", async () => {
    const t = Math.floor(Date.now() / 1000) - 1000;
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const order of orders) {
      const { userId } = await signUp();
      const cus = uid("cus");
      await seedSubscription({ customer: cus, appUserId: userId });
      const sub = (status: string, extra: Record<string, unknown> = {}) => ({
        id: `sub_${cus}`,
        object: "subscription",
        customer: cus,
        status,
        items: { data: [{ price: { id: "price_pro", lookup_key: "pro" }, current_period_end: t + 86400 }] },
        ...extra,
      });
      const sequence = [
        stripeEvent("customer.subscription.created", sub("trialing"), { created: t }),
        stripeEvent("customer.subscription.updated", sub("past_due"), { created: t + 10 }),
        stripeEvent("customer.subscription.updated", sub("active", { cancel_at_period_end: true }), {
          created: t + 20,
        }),
      ];
      for (const i of order) {
        await h.postStripe(sequence[i]!);
        await h.settle();
      }
      const entitlement = (await entitlementOf((await customerOf(userId))!.id))!;
      expect({ order, status: entitlement.status, cancel: entitlement.cancelAtPeriodEnd }).toEqual({
        order,
        status: "active",
        cancel: true,
      });
    }
  });

  it("customer.subscription.deleted cancels, and an older update delivered late does not revive it", async () => {
    const { userId } = await signUp();
    const cus = uid("cus");
    await seedSubscription({ customer: cus, appUserId: userId });
    const t = Math.floor(Date.now() / 1000) - 100;
    const sub = {
      id: `sub_${cus}`,
      object: "subscription",
      customer: cus,
      status: "active",
      items: { data: [{ price: { lookup_key: "pro" }, current_period_end: t + 86400 }] },
    };
    await h.postStripe(
      stripeEvent("customer.subscription.deleted", { ...sub, status: "canceled" }, { created: t + 50 }),
    );
    await h.settle();
    await h.postStripe(stripeEvent("customer.subscription.updated", sub, { created: t }));
    await h.settle();
    expect((await entitlementOf((await customerOf(userId))!.id))!.status).toBe("canceled");
  });
});

describe("failures, retries and replays", () => {
  it("HubSpot 500, 429 and a lost answer on the first attempts → success, one contact, no duplicate contact", async () => {
    await control.fault(h.sandbox.hubspot, [
      { path: "/crm/v3/objects/contacts/batch/upsert", status: 500 },
      { path: "/crm/v3/objects/contacts/batch/upsert", status: 429, retryAfter: 0 },
      { path: "/crm/v3/objects/contacts/batch/upsert", kind: "hang", process: true },
    ]);
    const { userId } = await signUp();
    const contacts = await contactsOf(userId);
    expect(contacts).toHaveLength(1);
    const e = (
      await h.db
        .select()
        .from(events)
        .where(eq(events.customerId, (await customerOf(userId))!.id))
    )[0]!;
    expect(e.status).toBe("succeeded");
    expect((await stepsOf(e.id))["sync-crm"]).toMatchObject({ status: "succeeded", attempts: 4 });
  });

  it("a permanent 400 fails the step at once with HubSpot's message; a replay after the fix succeeds without redoing done steps", async () => {
    await control.fault(h.sandbox.hubspot, {
      path: "/crm/v3/objects/contacts/batch/upsert",
      status: 400,
      times: "always",
      body: {
        status: "error",
        category: "VALIDATION_ERROR",
        message: "Property values were not valid: email is invalid",
      },
    });
    const userId = uid("u");
    const e = appEvent("user.signed_up", { userId, email: `${userId}@example.com` });
    await h.postApp(e);
    await h.settle();
    let row = await eventRow("app", e.id);
    expect(row.status).toBe("failed");
    expect(row.lastError).toContain("sync-crm: hubspot 400: Property values were not valid");
    let steps = await stepsOf(row.id);
    expect(steps["resolve-identity"]).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(steps["sync-crm"]).toMatchObject({ status: "failed", attempts: 1, errorStatus: 400 });

    await control.clearFaults(h.sandbox.hubspot);
    const outcome = await processEvent(h.db, row.id, { services: h.services, mode: "replay-failed" });
    expect(outcome).toEqual({ status: "succeeded" });
    row = await eventRow("app", e.id);
    steps = await stepsOf(row.id);
    expect(row.status).toBe("succeeded");
    expect(steps["resolve-identity"]!.attempts).toBe(1);
    expect(steps["sync-crm"]).toMatchObject({ status: "succeeded", attempts: 2, lastError: null });
    expect(await contactsOf(userId)).toHaveLength(1);
    // A second replay of a succeeded event is refused: nothing runs twice.
    expect((await processEvent(h.db, row.id, { services: h.services, mode: "replay-failed" })).status).toBe(
      "not-claimed",
    );
  });

  it("a failed HubSpot step stores the service, status, code and message in their own columns, and the event names the step", async () => {
    const body = {
      status: "error",
      category: "VALIDATION_ERROR",
      message: "Property values were not valid: email is invalid",
      errors: [{ code: "INVALID_EMAIL", message: "Email address is invalid", context: { propertyName: ["email"] } }],
    };
    await control.fault(h.sandbox.hubspot, {
      path: "/crm/v3/objects/contacts/batch/upsert",
      status: 400,
      times: "always",
      body,
    });
    const userId = uid("u");
    const e = appEvent("user.signed_up", { userId, email: `${userId}@example.com` });
    await h.postApp(e);
    await h.settle();
    let row = await eventRow("app", e.id);
    expect(row).toMatchObject({
      status: "failed",
      failedStep: "sync-crm",
      lastError: "sync-crm: hubspot 400: Property values were not valid: email is invalid",
    });
    let steps = await stepsOf(row.id);
    expect(steps["sync-crm"]).toMatchObject({
      status: "failed",
      errorService: "hubspot",
      errorStatus: 400,
      errorCode: "INVALID_EMAIL",
      errorMessage: "Property values were not valid: email is invalid",
      lastError: "hubspot 400: Property values were not valid: email is invalid",
    });
    expect(steps["resolve-identity"]).toMatchObject({
      status: "succeeded",
      errorService: null,
      errorStatus: null,
      errorCode: null,
      errorMessage: null,
    });

    // The fix, then a replay: the step's error fields and the event's failed step are cleared.
    await control.clearFaults(h.sandbox.hubspot);
    expect((await processEvent(h.db, row.id, { services: h.services, mode: "replay-failed" })).status).toBe(
      "succeeded",
    );
    row = await eventRow("app", e.id);
    expect(row).toMatchObject({ status: "succeeded", failedStep: null, lastError: null });
    steps = await stepsOf(row.id);
    expect(steps["sync-crm"]).toMatchObject({
      status: "succeeded",
      errorService: null,
      errorStatus: null,
      errorCode: null,
      errorMessage: null,
      lastError: null,
    });
  });

  it("a Stripe 404 stores Stripe's code: update-entitlement failed with resource_missing", async () => {
    const { userId } = await signUp();
    const e = stripeEvent("checkout.session.completed", {
      id: uid("cs"),
      object: "checkout.session",
      mode: "subscription",
      customer: uid("cus"),
      subscription: uid("sub_missing"),
      client_reference_id: userId,
      payment_status: "paid",
    });
    await h.postStripe(e);
    await h.settle();
    const row = await eventRow("stripe", e.id);
    expect(row).toMatchObject({ status: "failed", failedStep: "update-entitlement" });
    expect((await stepsOf(row.id))["update-entitlement"]).toMatchObject({
      status: "failed",
      attempts: 1,
      errorService: "stripe",
      errorStatus: 404,
      errorCode: "resource_missing",
    });
  });

  it("gives up after the last transient attempt and marks the event failed", async () => {
    await control.fault(h.sandbox.hubspot, {
      path: "/crm/v3/objects/contacts/batch/upsert",
      status: 503,
      times: "always",
    });
    const userId = uid("u");
    const e = appEvent("user.signed_up", { userId, email: `${userId}@example.com` });
    await h.postApp(e);
    await h.settle();
    const row = await eventRow("app", e.id);
    expect(row.status).toBe("failed");
    expect((await stepsOf(row.id))["sync-crm"]).toMatchObject({
      status: "failed",
      attempts: 5,
      errorService: "hubspot",
      errorStatus: 503,
      errorCode: "INTERNAL_ERROR",
    });
  });
});

describe("support.requested", () => {
  beforeEach(forgetZendeskLinks);
  it("an offline phone retrying with new event ids: one reference, one ticket with the context", async () => {
    const { userId, email } = await signUp();
    const requestId = uid("req");
    const data = {
      requestId,
      userId,
      email,
      subject: "Restore purchases fails",
      message: "Tapping restore does nothing.",
      context: {
        platform: "ios",
        osVersion: "18.2",
        appVersion: "2.4.1",
        device: "iPhone 15",
        screen: "Paywall",
        locale: "fr-FR",
      },
    };
    await control.fault(h.sandbox.zendesk, {
      path: "/api/v2/tickets.json",
      method: "POST",
      status: 429,
      retryAfter: 0,
    });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await h.postApp(appEvent("support.requested", data)));
    answers.push(
      ...(await Promise.all(Array.from({ length: 5 }, () => h.postApp(appEvent("support.requested", data))))),
    );
    const references = new Set(answers.map((a) => a.body.reference));
    expect(references.size).toBe(1);
    const [reference] = [...references] as string[];
    expect(reference).toMatch(/^SUP-[A-Z2-9]{8}$/);
    await h.settle();
    const zendesk = await control.state<ZendeskState>(h.sandbox.zendesk);
    const tickets = zendesk.tickets.filter((t) => t.external_id === reference);
    expect(tickets).toHaveLength(1);
    const ticket = tickets[0]!;
    const body = ticket.comments.map((c) => c.body).join("\n");
    for (const text of [
      userId,
      "Plan: none",
      "Platform: ios",
      "OS version: 18.2",
      "App version: 2.4.1",
      "Device: iPhone 15",
      "Screen: Paywall",
      "Locale: fr-FR",
    ])
      expect(body).toContain(text);
    const rows = await h.db.select().from(supportTickets).where(eq(supportTickets.requestId, requestId));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.zendeskTicketId).toBe(ticket.id);
    const requester = zendesk.users.find((u) => u.id === ticket.requester_id);
    expect(requester?.email).toBe(email);
    // We made this requester, with our app user id as its external_id: linked by our id, no confirmation needed.
    expect(await zendeskLinkOf(userId)).toMatchObject({
      externalId: String(requester!.id),
      matchedBy: "id",
      verified: true,
    });
  });

  it("someone already in Zendesk with the same email is linked by email, unverified, for the founder to confirm", async () => {
    const { userId, email } = await signUp();
    const client = zendeskSdk.createClient({
      username: env.ZENDESK_EMAIL,
      token: env.ZENDESK_API_TOKEN,
      endpointUri: `${h.sandbox.zendesk.url}/api/v2`,
    } as never);
    const existing = (await client.users.create({
      user: { email, name: "Wrote in last year" },
    } as never)) as unknown as { result: { id: number } };
    await h.postApp(
      appEvent("support.requested", { requestId: uid("req"), userId, email, subject: "Hi", message: "Help" }),
    );
    await h.settle();
    expect(await zendeskLinkOf(userId)).toMatchObject({
      externalId: String(existing.result.id),
      matchedBy: "email",
      verified: false,
    });
    const zendesk = await control.state<ZendeskState>(h.sandbox.zendesk);
    expect(zendesk.users.filter((u) => u.email === email)).toHaveLength(1);
  });
});

/** The sandbox restarts its ids at each reset; links left from earlier tests would own the reused ids. */
async function forgetZendeskLinks() {
  await h.db.delete(identities).where(eq(identities.system, "zendesk"));
}

async function zendeskLinkOf(appUserId: string) {
  const customer = (await customerOf(appUserId))!;
  return (
    await h.db
      .select()
      .from(identities)
      .where(and(eq(identities.customerId, customer.id), eq(identities.system, "zendesk")))
  )[0];
}

describe("support.requested under Zendesk faults", () => {
  beforeEach(forgetZendeskLinks);
  it("a ticket create whose answer is lost, then a 500: still exactly one ticket", async () => {
    const { userId, email } = await signUp();
    await control.fault(h.sandbox.zendesk, [
      { path: "/api/v2/tickets.json", method: "POST", kind: "hang", process: true },
      { path: "/api/v2/tickets", method: "GET", status: 500 },
    ]);
    const res = await h.postApp(
      appEvent("support.requested", {
        requestId: uid("req"),
        userId,
        email,
        subject: "Sync stuck",
        message: "My data does not sync.",
      }),
    );
    await h.settle();
    const zendesk = await control.state<ZendeskState>(h.sandbox.zendesk);
    expect(zendesk.tickets.filter((t) => t.external_id === res.body.reference)).toHaveLength(1);
    const [row] = await h.db
      .select()
      .from(events)
      .where(eq(events.id, String(res.body.id)));
    expect(row!.status).toBe("succeeded");
  });

  it("a requester create whose answer is lost: the retry finds it by our external_id, one requester, linked by our id", async () => {
    const { userId, email } = await signUp();
    await control.fault(h.sandbox.zendesk, {
      path: "/api/v2/users/create_or_update.json",
      method: "POST",
      kind: "hang",
      process: true,
    });
    await h.postApp(
      appEvent("support.requested", { requestId: uid("req"), userId, email, subject: "Lost", message: "Answer lost" }),
    );
    await h.settle();
    const zendesk = await control.state<ZendeskState>(h.sandbox.zendesk);
    const mine = zendesk.users.filter((u) => u.email === email);
    expect(mine).toHaveLength(1);
    expect(await zendeskLinkOf(userId)).toMatchObject({
      externalId: String(mine[0]!.id),
      matchedBy: "id",
      verified: true,
    });
  });

  it("a permanent 422 fails create-ticket with Zendesk's message", async () => {
    const { userId, email } = await signUp();
    await control.fault(h.sandbox.zendesk, {
      path: "/api/v2/tickets.json",
      method: "POST",
      status: 422,
      body: {
        error: "RecordInvalid",
        description: "Record validation errors",
        details: { subject: [{ description: "Subject: is too long" }] },
      },
    });
    const res = await h.postApp(
      appEvent("support.requested", { requestId: uid("req"), userId, email, subject: "x", message: "y" }),
    );
    await h.settle();
    const [row] = await h.db
      .select()
      .from(events)
      .where(eq(events.id, String(res.body.id)));
    expect(row!.status).toBe("failed");
    expect(row!.lastError).toContain("create-ticket: zendesk 422: RecordInvalid: Record validation errors");
    expect(row!.failedStep).toBe("create-ticket");
    const [step] = await h.db
      .select()
      .from(eventSteps)
      .where(and(eq(eventSteps.eventId, row!.id), eq(eventSteps.step, "create-ticket")));
    expect(step).toMatchObject({
      errorService: "zendesk",
      errorStatus: 422,
      errorCode: "RecordInvalid",
      errorMessage: expect.stringContaining("Record validation errors"),
    });
  });
});

describe("crash recovery", () => {
  it("the sweeper finishes events left received or processing by a dead process, exactly once", async () => {
    const userA = uid("u");
    const userB = uid("u");
    const stale = new Date(Date.now() - 10 * 60_000);
    const eA = appEvent("user.signed_up", { userId: userA, email: `${userA}@example.com` });
    const eB = appEvent("user.signed_up", { userId: userB, email: `${userB}@example.com` });
    // As if the process died: one event stored but never started, one mid-way with its first step done.
    await h.db.insert(events).values({
      source: "app",
      externalId: eA.id,
      type: eA.type,
      rawBody: JSON.stringify(eA),
      correlationId: "cor_a",
      receivedAt: stale,
    });
    const [b] = await h.db
      .insert(events)
      .values({
        source: "app",
        externalId: eB.id,
        type: eB.type,
        rawBody: JSON.stringify(eB),
        correlationId: "cor_b",
        status: "processing",
        receivedAt: stale,
        updatedAt: stale,
        attempts: 1,
      })
      .returning();
    await h.db.insert(customers).values({ appUserId: userB, email: `${userB}@example.com` });
    const customerB = (await customerOf(userB))!;
    await h.db.insert(eventSteps).values([
      {
        eventId: b!.id,
        step: "resolve-identity",
        status: "succeeded",
        attempts: 1,
        output: { customerId: customerB.id, appUserId: userB, email: customerB.email, name: null },
      },
      { eventId: b!.id, step: "sync-crm", status: "running", attempts: 1, updatedAt: stale },
    ]);
    const redriven = await h.runner.sweep(0);
    expect(redriven).toBeGreaterThanOrEqual(2);
    await h.settle();
    expect(await eventRow("app", eA.id)).toMatchObject({ status: "succeeded", lastError: null });
    expect(await eventRow("app", eB.id)).toMatchObject({ status: "succeeded", lastError: null });
    expect((await stepsOf(b!.id))["resolve-identity"]!.attempts).toBe(1);
    expect(await contactsOf(userA)).toHaveLength(1);
    expect(await contactsOf(userB)).toHaveLength(1);
    expect(await h.runner.sweep(0)).toBe(0);
  });
});
