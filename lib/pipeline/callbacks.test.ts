// Callbacks to the app's backend (the `notify-app` step), end to end: real webhook routes, PGlite, the real
// SDKs against the sandboxes, and the app look-alike receiving signed callbacks at APP_CALLBACK_URL (it
// verifies App-Signature and keeps each callback once by id, counting deliveries).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import * as control from "@/sandbox/client";
import { customerByAppUserId, deleteIdentity, identityLink } from "@/db/queries/identities";
import { events, eventSteps } from "@/db/schema";
import { replayEvent } from "@/lib/commands/replay";
import type { Actor } from "@/lib/auth/roles";
import { env } from "@/lib/env";
import { createServices } from "@/lib/integrations";
import { setInlineRunner } from "@/lib/jobs";
import { InlineRunner } from "@/lib/jobs/inline";
import { appEvent, startHarness, stripeEvent, uid, type Harness } from "@/test/harness";
import { processEvent } from "./engine/process-event";

const admin: Actor = { id: null, email: "admin@example.com", role: "admin", via: "session" };
const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
// The database is shared by the tests (no sandbox reset: HubSpot ids must stay unique); each test has its own
// users and reads only their callbacks. Faults are cleared after each.
afterEach(() => h.sandbox.app.faults.clear());

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
/** What the app's backend holds for this user, in arrival order. */
const callbacksOf = (appUserId: string) =>
  h.sandbox.app.service.received().filter((c) => c.data.appUserId === appUserId);

async function signUp(userId = uid("u"), email = `${userId}@example.com`) {
  const e = appEvent("user.signed_up", { userId, email, name: "Ada Lovelace" });
  expect((await h.postApp(e)).status).toBe(200);
  await h.settle();
  return { userId, email, event: await eventRow("app", e.id) };
}

/** An app user and their Stripe customer (carrying our app user id) with a subscription in Stripe. */
async function payer() {
  const { userId } = await signUp();
  const cus = uid("cus");
  await control.seed(h.sandbox.stripe, [
    { object: "customer", id: cus, email: `${userId}@example.com`, metadata: { app_user_id: userId } },
    {
      object: "subscription",
      id: `sub_${cus}`,
      customer: cus,
      status: "active",
      price: { id: "price_pro", lookup_key: "pro" },
      current_period_end: now() + 30 * DAY,
    },
  ]);
  return { userId, cus };
}

const subscription = (cus: string, status: string, extra: Record<string, unknown> = {}) => ({
  id: `sub_${cus}`,
  object: "subscription",
  customer: cus,
  status,
  items: { data: [{ price: { id: "price_pro", lookup_key: "pro" }, current_period_end: now() + 30 * DAY }] },
  ...extra,
});

async function postStripe(event: ReturnType<typeof stripeEvent>) {
  expect((await h.postStripe(event)).status).toBe(200);
  await h.settle();
  return eventRow("stripe", event.id);
}

describe("entitlement.changed", () => {
  it("a subscription becoming active sends one signed callback for the app user with status, plan and access", async () => {
    const { userId, cus } = await payer();
    // The signup changed no entitlement: nothing was sent for it, and the step says why.
    expect(callbacksOf(userId)).toEqual([]);
    const created = now() - 5;
    const row = await postStripe(
      stripeEvent("customer.subscription.created", subscription(cus, "active"), { created }),
    );
    expect(row.status).toBe("succeeded");

    const received = callbacksOf(userId);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      id: `ent_${row.id}`,
      type: "entitlement.changed",
      created: new Date(created * 1000).toISOString(),
      deliveries: 1,
      data: {
        appUserId: userId,
        entitlement: { status: "active", plan: "pro", cancelAtPeriodEnd: false, access: true },
      },
    });
    expect(received[0]!.data).toHaveProperty("entitlement.currentPeriodEnd", expect.any(String));
    expect((await stepsOf(row.id))["notify-app"]).toMatchObject({
      status: "succeeded",
      attempts: 1,
      externalRef: `ent_${row.id}`,
    });

    // Re-running every step (a forced replay) sends the same id again: the receiver keeps it once.
    expect((await processEvent(h.db, row.id, { services: h.services, mode: "replay-all" })).status).toBe("succeeded");
    expect(callbacksOf(userId)).toEqual([expect.objectContaining({ id: `ent_${row.id}`, deliveries: 2 })]);
  });

  it("a 500, then a 200: retried with backoff and stored once", async () => {
    const { userId, cus } = await payer();
    h.sandbox.app.faults.add({ method: "POST", path: "/callbacks", status: 500 });
    const row = await postStripe(stripeEvent("customer.subscription.created", subscription(cus, "active")));
    expect(row.status).toBe("succeeded");
    expect((await stepsOf(row.id))["notify-app"]).toMatchObject({ status: "succeeded", attempts: 2, lastError: null });
    expect(callbacksOf(userId)).toEqual([expect.objectContaining({ id: `ent_${row.id}`, deliveries: 1 })]);
  });

  it("an answer lost after the app stored it: the retry carries the same id, the app keeps one", async () => {
    const { userId, cus } = await payer();
    // The receiver handles the callback, then the connection drops before the answer.
    h.sandbox.app.faults.add({ method: "POST", path: "/callbacks", kind: "reset", process: true });
    const row = await postStripe(stripeEvent("customer.subscription.created", subscription(cus, "trialing")));
    expect(row.status).toBe("succeeded");
    expect((await stepsOf(row.id))["notify-app"]).toMatchObject({ status: "succeeded", attempts: 2 });
    const received = callbacksOf(userId);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      id: `ent_${row.id}`,
      deliveries: 2,
      data: { entitlement: { status: "trialing", access: true } },
    });
  });

  it("a 400 fails the event at notify-app with the app's message; a replay delivers it", async () => {
    const { userId, cus } = await payer();
    // The HubSpot link is written with the event's outcome: a failure at a later step still records it.
    const customerId = (await customerByAppUserId(h.db, userId))!.id;
    await deleteIdentity(h.db, (await identityLink(h.db, customerId, "hubspot"))!.id);
    h.sandbox.app.faults.add({
      method: "POST",
      path: "/callbacks",
      status: 400,
      times: "always",
      body: { error: "Unknown signing key" },
    });
    const event = stripeEvent("customer.subscription.created", subscription(cus, "active"));
    let row = await postStripe(event);
    expect(row).toMatchObject({ status: "failed", failedStep: "notify-app" });
    expect(row.lastError).toContain("Unknown signing key");
    let steps = await stepsOf(row.id);
    // A permanent refusal: no retries, and the steps before it are done.
    expect(steps["notify-app"]).toMatchObject({ status: "failed", attempts: 1, errorService: "app", errorStatus: 400 });
    expect(steps["notify-app"]!.lastError).toContain("The app's callback endpoint answered 400");
    expect(steps["update-entitlement"]).toMatchObject({ status: "succeeded" });
    expect(steps["sync-crm"]).toMatchObject({ status: "succeeded" });
    expect(await identityLink(h.db, customerId, "hubspot")).toMatchObject({
      externalId: steps["sync-crm"]!.externalRef,
    });
    expect(callbacksOf(userId)).toEqual([]);

    // The app is fixed, then the founder replays from the console.
    h.sandbox.app.faults.clear();
    const replay = await replayEvent(h.db, admin, row.id);
    expect(replay).toMatchObject({ ok: true, outcome: { status: "succeeded" } });
    row = await eventRow("stripe", event.id);
    steps = await stepsOf(row.id);
    expect(row).toMatchObject({ status: "succeeded", failedStep: null, lastError: null });
    expect(steps["notify-app"]).toMatchObject({ status: "succeeded", attempts: 2, lastError: null, errorStatus: null });
    expect(steps["update-entitlement"]!.attempts).toBe(1);
    expect(callbacksOf(userId)).toEqual([
      expect.objectContaining({
        id: `ent_${row.id}`,
        deliveries: 1,
        data: expect.objectContaining({ appUserId: userId }),
      }),
    ]);
  });

  it("an older subscription event delivered late changes nothing: notify-app is skipped with the reason", async () => {
    const { userId, cus } = await payer();
    const t = now() - 100;
    await postStripe(stripeEvent("customer.subscription.updated", subscription(cus, "active"), { created: t }));
    expect(callbacksOf(userId)).toHaveLength(1);
    const late = await postStripe(
      stripeEvent("customer.subscription.updated", subscription(cus, "past_due"), { created: t - 50 }),
    );
    expect(late.status).toBe("succeeded");
    const steps = await stepsOf(late.id);
    expect(steps["update-entitlement"]).toMatchObject({
      status: "succeeded",
      output: { applied: false, reason: "a newer state was already applied" },
    });
    expect(steps["notify-app"]).toMatchObject({
      status: "skipped",
      output: { reason: "the entitlement did not change" },
    });
    expect(callbacksOf(userId)).toHaveLength(1);
    expect(callbacksOf(userId)[0]!.data).toMatchObject({ entitlement: { status: "active" } });
  });

  it("two updates of one customer in quick succession: the app's last callback carries the newest state", async () => {
    const { userId, cus } = await payer();
    const t = now() - 60;
    // A 500 on the first delivery: its retry still completes before the next event of that customer runs.
    h.sandbox.app.faults.add({ method: "POST", path: "/callbacks", status: 500 });
    const first = stripeEvent("customer.subscription.updated", subscription(cus, "past_due"), { created: t });
    const second = stripeEvent(
      "customer.subscription.updated",
      subscription(cus, "active", { cancel_at_period_end: true }),
      { created: t + 10 },
    );
    const answers = await Promise.all([h.postStripe(first), h.postStripe(second)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await h.settle();

    const received = callbacksOf(userId);
    expect(received.length).toBeGreaterThanOrEqual(1);
    const last = received.at(-1)!;
    expect(last).toMatchObject({
      created: new Date((t + 10) * 1000).toISOString(),
      data: { entitlement: { status: "active", cancelAtPeriodEnd: true, access: true } },
    });
    // Whatever arrived earlier is older: applying only newer `created` ends in the newest state.
    const times = received.map((c) => Date.parse(c.created));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect((await eventRow("stripe", first.id)).status).toBe("succeeded");
    expect((await eventRow("stripe", second.id)).status).toBe("succeeded");
  });
});

describe("who the app is told about", () => {
  /** A payer who checks out on the web with only an email: no app user yet (a provisional customer). */
  async function payWithoutSigningUp(email: string) {
    const cus = uid("cus");
    await control.seed(h.sandbox.stripe, [
      { object: "customer", id: cus, email, metadata: {} },
      {
        object: "subscription",
        id: `sub_${cus}`,
        customer: cus,
        status: "active",
        price: { id: "price_pro", lookup_key: "pro" },
        current_period_end: now() + 30 * DAY,
      },
    ]);
    const e = stripeEvent("checkout.session.completed", {
      id: uid("cs"),
      object: "checkout.session",
      mode: "subscription",
      customer: cus,
      subscription: `sub_${cus}`,
      customer_details: { email },
      payment_status: "paid",
    });
    return postStripe(e);
  }

  it("a provisional payer is not told (no app user); on user.signed_up the new user gets entitlement.changed", async () => {
    const email = `${uid("payer")}@example.com`;
    const before = h.sandbox.app.service.received().length;
    const payment = await payWithoutSigningUp(email);
    expect(payment.status).toBe("succeeded");
    expect((await stepsOf(payment.id))["notify-app"]).toMatchObject({
      status: "skipped",
      output: { reason: expect.stringContaining("a payer the app has not announced yet") },
    });
    expect(h.sandbox.app.service.received()).toHaveLength(before);

    const userId = uid("u");
    const { event } = await signUp(userId, email);
    expect(event.status).toBe("succeeded");
    expect((await stepsOf(event.id))["resolve-identity"]!.output).toMatchObject({ claimedPayer: true });
    expect(callbacksOf(userId)).toEqual([
      expect.objectContaining({
        id: `ent_${event.id}`,
        type: "entitlement.changed",
        data: {
          appUserId: userId,
          entitlement: expect.objectContaining({ status: "active", plan: "pro", access: true }),
        },
      }),
    ]);
  });

  it("without APP_CALLBACK_URL nothing is sent and the step says so", async () => {
    const { userId, cus } = await payer();
    const services = createServices({
      stripe: { secretKey: env.STRIPE_SECRET_KEY, apiBase: h.sandbox.stripe.url },
      hubspot: { accessToken: env.HUBSPOT_ACCESS_TOKEN, baseUrl: h.sandbox.hubspot.url },
      zendesk: {
        subdomain: env.ZENDESK_SUBDOMAIN,
        email: env.ZENDESK_EMAIL,
        token: env.ZENDESK_API_TOKEN,
        baseUrl: h.sandbox.zendesk.url,
      },
      app: { callbackUrl: undefined, secret: env.APP_WEBHOOK_SECRET },
      timeoutMs: 1_000,
    });
    expect(services.app.configured).toBe(false);
    const runner = new InlineRunner({
      db: async () => h.db,
      services: () => services,
      retry: { retries: 4, minTimeoutMs: 10, maxTimeoutMs: 100 },
      staleAfterMs: 60_000,
    });
    setInlineRunner(runner);
    try {
      const e = stripeEvent("customer.subscription.created", subscription(cus, "active"));
      expect((await h.postStripe(e)).status).toBe(200);
      await runner.idle();
      const row = await eventRow("stripe", e.id);
      expect(row.status).toBe("succeeded");
      expect((await stepsOf(row.id))["notify-app"]).toMatchObject({
        status: "skipped",
        output: { reason: expect.stringContaining("APP_CALLBACK_URL is not set") },
      });
    } finally {
      setInlineRunner(h.runner);
    }
    expect(callbacksOf(userId)).toEqual([]);
  });
});

describe("support.updated", () => {
  it("a support request sends the ticket's reference and status to the app", async () => {
    const { userId, email } = await signUp();
    const e = appEvent("support.requested", {
      requestId: uid("req"),
      userId,
      email,
      subject: "Cannot restore my purchase",
      message: "It says no purchases found.",
    });
    const answer = await h.postApp(e);
    expect(answer.status).toBe(200);
    await h.settle();
    const row = await eventRow("app", e.id);
    expect(row.status).toBe("succeeded");
    const [callback, ...more] = callbacksOf(userId);
    expect(more).toEqual([]);
    expect(callback).toMatchObject({
      id: `sup_${row.id}`,
      type: "support.updated",
      deliveries: 1,
      data: { appUserId: userId, ticket: { subject: "Cannot restore my purchase" } },
    });
    expect(callback!.data).toHaveProperty("ticket.reference", expect.stringMatching(/^SUP-/));
  });
});
