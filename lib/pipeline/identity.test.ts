// Identity paths of a founder's first weeks, end to end (real routes, PGlite, the real SDKs against the
// sandboxes): a payer the app does not know yet, claimed later (at once, or after the founder confirms an
// unverified email); app events out of order (recency per field); one serialisation key once linked; a link
// that HubSpot's answer cannot make is a failure, never a silent success.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import * as control from "@/sandbox/client";
import type { HubspotState } from "@/sandbox/client";
import { auditLog, customers, entitlements, events, eventSteps, identities } from "@/db/schema";
import { deleteIdentity, identityLink, linkIdentityManually } from "@/db/queries/identities";
import { confirmClaim, rejectClaim } from "@/lib/commands/claims";
import type { Actor } from "@/lib/auth/roles";
import { serialisationKeys } from "@/lib/jobs/keys";
import { appEvent, startHarness, stripeEvent, uid, type Harness } from "@/test/harness";
import { processEvent } from "./engine/process-event";

const admin: Actor = { id: null, email: "admin@example.com", role: "admin", via: "session" };
const viewer: Actor = { id: null, email: "viewer@example.com", role: "viewer", via: "session" };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const contactsWithEmail = async (email: string) =>
  (await control.state<HubspotState>(h.sandbox.hubspot)).contacts.filter((c) => c.properties.email === email);
const customerOf = async (appUserId: string) =>
  (await h.db.select().from(customers).where(eq(customers.appUserId, appUserId)))[0];
const entitlementOf = async (customerId: string) =>
  (await h.db.select().from(entitlements).where(eq(entitlements.customerId, customerId)))[0];
const eventRow = async (source: "stripe" | "app", externalId: string) =>
  (
    await h.db
      .select()
      .from(events)
      .where(and(eq(events.source, source), eq(events.externalId, externalId)))
  )[0]!;

/** A payer who checks out on the web with only an email: no client_reference_id, no metadata. */
async function payWithoutSigningUp(email: string, plan = "pro") {
  const cus = uid("cus");
  await control.seed(h.sandbox.stripe, [
    { object: "customer", id: cus, email, metadata: {} },
    {
      object: "subscription",
      id: `sub_${cus}`,
      customer: cus,
      status: "active",
      price: { id: `price_${plan}`, lookup_key: plan },
      current_period_end: Math.floor(Date.now() / 1000) + 30 * 86400,
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
  expect((await h.postStripe(e)).status).toBe(200);
  await h.settle();
  return { cus, event: await eventRow("stripe", e.id) };
}

async function signUp(userId: string, email: string, extra: Record<string, unknown> = {}) {
  const e = appEvent("user.signed_up", { userId, email, name: "Grace Hopper", ...extra });
  expect((await h.postApp(e)).status).toBe(200);
  await h.settle();
  return eventRow("app", e.id);
}

describe("a payer the app does not know yet", () => {
  it("becomes a provisional customer with the entitlement and a HubSpot contact keyed by email; nothing fails", async () => {
    const email = `${uid("payer")}@example.com`;
    const { cus, event } = await payWithoutSigningUp(email);
    expect(event.status).toBe("succeeded");
    const payer = (await customerOf(`stripe:${cus}`))!;
    expect(payer).toMatchObject({ provisional: true, email });
    expect(event.customerId).toBe(payer.id);
    expect(await entitlementOf(payer.id)).toMatchObject({ status: "active", plan: "pro" });
    const [contact, ...more] = await contactsWithEmail(email);
    expect(more).toHaveLength(0);
    expect(contact!.properties).toMatchObject({ lifecyclestage: "customer", app_billing_status: "active" });
    expect(contact!.properties.app_user_id ?? null).toBeNull();
  });

  it("is claimed when the app announces a user with that email: one customer, one contact, the payment's access", async () => {
    const email = `${uid("payer")}@example.com`;
    const { cus, event } = await payWithoutSigningUp(email);
    const userId = uid("u");
    const signup = await signUp(userId, email);
    expect(signup.status).toBe("succeeded");

    const customer = (await customerOf(userId))!;
    expect(await customerOf(`stripe:${cus}`)).toBeUndefined();
    expect(await entitlementOf(customer.id)).toMatchObject({ status: "active", plan: "pro" });
    expect(await identityLink(h.db, customer.id, "stripe")).toMatchObject({ externalId: cus, matchedBy: "email" });
    // The payment's event is on the app user's timeline now.
    expect((await eventRow("stripe", event.externalId)).customerId).toBe(customer.id);
    const contacts = await contactsWithEmail(email);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.properties).toMatchObject({
      app_user_id: userId,
      lifecyclestage: "customer",
      app_plan: "pro",
      app_stripe_customer_id: cus,
    });
    expect(await identityLink(h.db, customer.id, "hubspot")).toMatchObject({ externalId: contacts[0]!.id });

    // The next Stripe event of that customer goes to the app user, not to a new provisional customer.
    const renewal = stripeEvent("customer.subscription.updated", {
      id: `sub_${cus}`,
      object: "subscription",
      customer: cus,
      status: "active",
      items: { data: [{ price: { id: "price_team", lookup_key: "team" } }] },
      current_period_end: Math.floor(Date.now() / 1000) + 60 * 86400,
    });
    await h.postStripe(renewal);
    await h.settle();
    expect((await eventRow("stripe", renewal.id)).customerId).toBe(customer.id);
    expect(await customerOf(`stripe:${cus}`)).toBeUndefined();
  });

  it("with an unverified email, the claim waits for the founder and grants nothing until confirmed", async () => {
    const email = `${uid("payer")}@example.com`;
    const { cus } = await payWithoutSigningUp(email);
    const userId = uid("u");
    expect((await signUp(userId, email, { emailVerified: false })).status).toBe("succeeded");

    const payer = (await customerOf(`stripe:${cus}`))!;
    const customer = (await customerOf(userId))!;
    expect(payer).toMatchObject({ provisional: true, pendingClaimAppUserId: userId });
    expect(await entitlementOf(customer.id)).toBeUndefined();
    // Until then HubSpot says what the app user has: nothing paid.
    expect((await contactsWithEmail(email))[0]!.properties).toMatchObject({
      app_user_id: userId,
      app_billing_status: "none",
    });
    expect(await identityLink(h.db, customer.id, "stripe")).toBeUndefined();

    const target = { provisionalKey: `stripe:${cus}`, appUserId: userId };
    expect(await confirmClaim(h.db, viewer, target)).toMatchObject({ ok: false, status: 403 });
    expect(await confirmClaim(h.db, admin, { ...target, appUserId: "someone-else" })).toMatchObject({
      ok: false,
      status: 409,
    });
    expect(await confirmClaim(h.db, admin, target)).toMatchObject({ ok: true });
    expect(await customerOf(`stripe:${cus}`)).toBeUndefined();
    expect(await entitlementOf(customer.id)).toMatchObject({ status: "active" });
    expect(await identityLink(h.db, customer.id, "stripe")).toMatchObject({
      externalId: cus,
      matchedBy: "manual",
      verified: true,
    });
    // HubSpot's one contact for the email follows at once.
    const contacts = await contactsWithEmail(email);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.properties).toMatchObject({ app_user_id: userId, app_billing_status: "active" });
    const [entry] = await h.db.select().from(auditLog).where(eq(auditLog.action, "customer.claim_confirmed"));
    expect(entry).toMatchObject({ actorEmail: admin.email, targetId: userId });
    // Confirming twice is refused, not applied twice.
    expect(await confirmClaim(h.db, admin, target)).toMatchObject({ ok: false, status: 404 });
  });

  it("an unverified claim goes ahead by itself once the app says the email is verified; 'not the same person' clears it", async () => {
    const email = `${uid("payer")}@example.com`;
    const { cus } = await payWithoutSigningUp(email);
    const userId = uid("u");
    await signUp(userId, email, { emailVerified: false });
    const verified = appEvent("user.updated", { userId, emailVerified: true });
    await h.postApp(verified);
    await h.settle();
    const customer = (await customerOf(userId))!;
    expect(customer.emailVerified).toBe(true);
    expect(await customerOf(`stripe:${cus}`)).toBeUndefined();
    expect(await entitlementOf(customer.id)).toMatchObject({ status: "active" });
    expect(await identityLink(h.db, customer.id, "stripe")).toMatchObject({ externalId: cus, verified: true });

    const other = `${uid("payer")}@example.com`;
    const second = await payWithoutSigningUp(other);
    const stranger = uid("u");
    await signUp(stranger, other, { emailVerified: false });
    const target = { provisionalKey: `stripe:${second.cus}`, appUserId: stranger };
    expect(await rejectClaim(h.db, admin, target)).toMatchObject({ ok: true });
    expect(await customerOf(`stripe:${second.cus}`)).toMatchObject({ provisional: true, pendingClaimAppUserId: null });
    expect(await entitlementOf((await customerOf(stranger))!.id)).toBeUndefined();
  });

  it("a payment matching an app user whose email is unverified is not linked to them: it waits as a claim", async () => {
    const email = `${uid("early")}@example.com`;
    const userId = uid("u");
    await signUp(userId, email, { emailVerified: false });
    const { cus, event } = await payWithoutSigningUp(email);
    expect(event.status).toBe("succeeded");
    const customer = (await customerOf(userId))!;
    expect(await identityLink(h.db, customer.id, "stripe")).toBeUndefined();
    expect(await entitlementOf(customer.id)).toBeUndefined();
    expect(await customerOf(`stripe:${cus}`)).toMatchObject({ provisional: true, pendingClaimAppUserId: userId });
  });

  it("is handed to the app user when a later Stripe object carries our app user id", async () => {
    const { cus } = await payWithoutSigningUp(`${uid("gift")}@example.com`);
    const userId = uid("u");
    await signUp(userId, `${userId}@example.com`);
    const update = stripeEvent("customer.subscription.updated", {
      id: `sub_${cus}`,
      object: "subscription",
      customer: cus,
      status: "active",
      metadata: { app_user_id: userId },
      items: { data: [{ price: { id: "price_pro", lookup_key: "pro" } }] },
      current_period_end: Math.floor(Date.now() / 1000) + 30 * 86400,
    });
    await h.postStripe(update);
    await h.settle();
    const customer = (await customerOf(userId))!;
    expect((await eventRow("stripe", update.id)).status).toBe("succeeded");
    expect(await customerOf(`stripe:${cus}`)).toBeUndefined();
    expect(await identityLink(h.db, customer.id, "stripe")).toMatchObject({ externalId: cus, matchedBy: "id" });
    expect(await entitlementOf(customer.id)).toMatchObject({ status: "active", plan: "pro" });
  });
});

describe("one person's app events out of order", () => {
  it("a profile update processed before the signup it follows keeps the signup's email, on the customer and in HubSpot", async () => {
    const userId = uid("u");
    const email = `${userId}@example.com`;
    const t0 = Date.now() - 60_000;
    const signup = appEvent(
      "user.signed_up",
      { userId, email, name: "Old Name" },
      { created: new Date(t0).toISOString() },
    );
    const update = appEvent(
      "user.updated",
      { userId, name: "New Name", emailVerified: true },
      { created: new Date(t0 + 5_000).toISOString() },
    );
    await h.postApp(update);
    await h.settle();
    await h.postApp(signup);
    await h.settle();
    const customer = (await customerOf(userId))!;
    expect(customer).toMatchObject({ email, name: "New Name", emailVerified: true });
    const [contact, ...more] = await contactsWithEmail(email);
    expect(more).toHaveLength(0);
    expect(contact!.properties).toMatchObject({ app_user_id: userId, firstname: "New", lastname: "Name" });

    // An older email change delivered late does not undo a newer one.
    const newer = appEvent(
      "user.updated",
      { userId, email: `new-${email}` },
      { created: new Date(t0 + 20_000).toISOString() },
    );
    const older = appEvent(
      "user.updated",
      { userId, email: `old-${email}` },
      { created: new Date(t0 + 10_000).toISOString() },
    );
    await h.postApp(newer);
    await h.settle();
    await h.postApp(older);
    await h.settle();
    expect((await customerOf(userId))!.email).toBe(`new-${email}`);
  });

  it("a user id that looks like a provisional key is refused with a clear error", async () => {
    const res = await h.postApp(appEvent("user.signed_up", { userId: "stripe:cus_1", email: "x@example.com" }));
    expect(res.status).toBe(400);
    expect(String(res.body.error)).toContain("data.userId");
  });
});

describe("serialisation", () => {
  it("once linked, a customer's app events and Stripe events share one key", async () => {
    const email = `${uid("payer")}@example.com`;
    const { cus } = await payWithoutSigningUp(email);
    const userId = uid("u");
    await signUp(userId, email);
    const customer = (await customerOf(userId))!;
    const stranger = uid("u");
    const raw = (source: "app" | "stripe", type: string, object: unknown) => ({
      id: uid("e"),
      source,
      type,
      rawBody: JSON.stringify(source === "app" ? object : stripeEvent(type, object as Record<string, unknown>)),
    });
    const app = raw("app", "support.requested", appEvent("support.requested", { userId, requestId: "r" }));
    const stripe = raw("stripe", "invoice.paid", { object: "invoice", customer: cus });
    const unknown = raw("app", "user.updated", appEvent("user.updated", { userId: stranger }));
    const keys = await serialisationKeys(h.db, [app, stripe, unknown]);
    expect(keys.get(app.id)).toBe(`customer:${customer.id}`);
    expect(keys.get(stripe.id)).toBe(`customer:${customer.id}`);
    expect(keys.get(unknown.id)).toBe(`app:${stranger}`);
  });
});

describe("a link that HubSpot's answer cannot make", () => {
  it("fails sync-crm with a clear message instead of reporting success", async () => {
    const a = uid("u");
    const b = uid("u");
    await signUp(a, `${a}@example.com`);
    const signupB = await signUp(b, `${b}@example.com`);
    const customerA = (await customerOf(a))!;
    const customerB = (await customerOf(b))!;
    // B's contact id now belongs to A here (say, linked by hand by mistake); B's own link is gone.
    const contactB = (await identityLink(h.db, customerB.id, "hubspot"))!;
    await deleteIdentity(h.db, contactB.id);
    await deleteIdentity(h.db, (await identityLink(h.db, customerA.id, "hubspot"))!.id);
    await linkIdentityManually(h.db, customerA.id, "hubspot", contactB.externalId);

    const outcome = await processEvent(h.db, signupB.id, { services: h.services, mode: "replay-all" });
    expect(outcome.status).toBe("failed");
    const [step] = await h.db
      .select()
      .from(eventSteps)
      .where(and(eq(eventSteps.eventId, signupB.id), eq(eventSteps.step, "sync-crm")));
    expect(step).toMatchObject({ status: "failed" });
    expect(step!.lastError).toContain(`already linked to ${a}`);
    expect(await identityLink(h.db, customerB.id, "hubspot")).toBeUndefined();
    expect(
      await h.db
        .select()
        .from(identities)
        .where(and(eq(identities.system, "hubspot"), eq(identities.externalId, contactB.externalId))),
    ).toHaveLength(1);
  });
});

describe("a Zendesk requester that belongs to another customer", () => {
  it("the ticket is still created for the person who wrote in, and the step says the link was not made", async () => {
    const shared = `${uid("family")}@example.com`;
    const [a, b] = [uid("u"), uid("u")];
    const ask = async (userId: string) => {
      const e = appEvent("support.requested", {
        requestId: uid("req"),
        userId,
        email: shared,
        subject: "Help",
        message: "Restore does nothing",
      });
      await h.postApp(e);
      await h.settle();
      return eventRow("app", e.id);
    };
    await signUp(a, shared);
    await signUp(b, `${b}@example.com`);
    expect((await ask(a)).status).toBe("succeeded");
    const second = await ask(b);
    expect(second.status).toBe("succeeded");
    const [step] = await h.db
      .select()
      .from(eventSteps)
      .where(and(eq(eventSteps.eventId, second.id), eq(eventSteps.step, "create-ticket")));
    expect(step!.externalRef).toBeTruthy();
    expect(step!.output).toMatchObject({ requesterNotLinked: expect.stringContaining(a) });
    expect(await identityLink(h.db, (await customerOf(b))!.id, "zendesk")).toBeUndefined();
  });
});
