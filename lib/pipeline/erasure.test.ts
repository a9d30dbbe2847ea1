// An erasure end to end (issue 19): real routes, PGlite, the real SDKs against the sandboxes (HubSpot GDPR
// delete, Zendesk redaction and user delete, Stripe cancel and delete), our tables reduced to a tombstone.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import * as control from "@/sandbox/client";
import type { HubspotState, StripeState, ZendeskState } from "@/sandbox/client";
import {
  alerts,
  auditLog,
  customers,
  entitlements,
  erasedSubjects,
  erasures,
  events,
  eventSteps,
  identities,
  supportTickets,
} from "@/db/schema";
import { getErasure } from "@/db/queries/erasures";
import { importStripeCustomers } from "@/lib/backfill/stripe-import";
import { backfillStripeEvents } from "@/lib/backfill/stripe-events";
import { replayEvent } from "@/lib/commands/replay";
import { SYSTEM_ACTOR } from "@/lib/auth/roles";
import { resetEnvCache } from "@/lib/env";
import { subjectHash, tombstoneAppUserId } from "@/lib/erasure/subjects";
import { appEvent, startHarness, stripeEvent, uid, type Harness } from "@/test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ retries: 1 });
});
afterAll(() => h?.close());
beforeEach(() => h.sandbox.reset());
afterEach(() => {
  delete process.env.ERASURE_STRIPE_CANCEL;
  resetEnvCache();
});

const hubspot = () => control.state<HubspotState>(h.sandbox.hubspot);
const zendesk = () => control.state<ZendeskState>(h.sandbox.zendesk);
const stripe = () => control.state<StripeState>(h.sandbox.stripe);
const eventRow = async (externalId: string) =>
  (
    await h.db
      .select()
      .from(events)
      .where(and(eq(events.source, "app"), eq(events.externalId, externalId)))
  )[0]!;
const customerOf = async (appUserId: string) =>
  (await h.db.select().from(customers).where(eq(customers.appUserId, appUserId)))[0];
const erasureOf = async (eventId: string) =>
  (await h.db.select().from(erasures).where(eq(erasures.eventId, eventId)))[0];

/** A person known everywhere: signed up (HubSpot contact), a support request (Zendesk user and ticket), a
 * subscription (Stripe customer, entitlement) and a failed payment (an alert naming their app user id). */
async function person() {
  const userId = uid("u");
  const email = `${userId}@example.com`;
  const name = "Grace Hopper";
  expect((await h.postApp(appEvent("user.signed_up", { userId, email, name }))).status).toBe(200);
  await h.settle();
  const support = appEvent("support.requested", {
    requestId: uid("req"),
    userId,
    email,
    subject: `Refund for ${name}`,
    message: `Please refund me, ${name}, at ${email}.`,
  });
  expect((await h.postApp(support)).status).toBe(200);
  const cus = uid("cus");
  const sub = `sub_${cus}`;
  await control.seed(h.sandbox.stripe, [
    { object: "customer", id: cus, email, metadata: { app_user_id: userId } },
    {
      object: "subscription",
      id: sub,
      customer: cus,
      status: "active",
      price: { id: "price_pro", lookup_key: "pro" },
      current_period_end: Math.floor(Date.now() / 1000) + 30 * 86400,
    },
  ]);
  await h.postStripe(
    stripeEvent("checkout.session.completed", {
      id: uid("cs"),
      object: "checkout.session",
      mode: "subscription",
      customer: cus,
      subscription: sub,
      client_reference_id: userId,
      payment_status: "paid",
    }),
  );
  await h.postStripe(
    stripeEvent("invoice.payment_failed", {
      id: uid("in"),
      object: "invoice",
      customer: cus,
      amount_due: 1900,
      currency: "eur",
      attempt_count: 1,
      parent: { type: "subscription_details", subscription_details: { subscription: sub } },
    }),
  );
  await h.settle();
  const customer = (await customerOf(userId))!;
  const links = await h.db.select().from(identities).where(eq(identities.customerId, customer.id));
  const id = (system: string) => links.find((l) => l.system === system)?.externalId;
  expect(id("hubspot") && id("zendesk") && id("stripe")).toBeTruthy();
  return { userId, email, name, cus, sub, customer, hubspotId: id("hubspot")!, zendeskId: id("zendesk")! };
}

async function deleteUser(userId: string, reason?: string) {
  const e = appEvent("user.deleted", { userId, requestedAt: new Date().toISOString(), ...(reason ? { reason } : {}) });
  expect((await h.postApp(e)).status).toBe(200);
  await h.settle();
  return e;
}

describe("user.deleted", () => {
  it("erases the person everywhere: HubSpot contact, Zendesk user and comments, Stripe, our rows; a receipt per system", async () => {
    const p = await person();
    const e = await deleteUser(p.userId, "Asked in the app");
    const event = await eventRow(e.id);
    expect(event.status).toBe("succeeded");

    expect((await hubspot()).contacts.some((c) => c.id === p.hubspotId)).toBe(false);
    const purges = await control.requests(h.sandbox.hubspot, { path: "/crm/v3/objects/contacts/gdpr-delete" });
    expect(purges).toHaveLength(1);
    const z = await zendesk();
    expect(z.users.some((u) => String(u.id) === p.zendeskId)).toBe(false);
    const theirTickets = z.tickets.filter((t) => String(t.requester_id) === p.zendeskId);
    expect(theirTickets.length).toBeGreaterThan(0);
    for (const t of theirTickets) for (const c of t.comments) expect(c.body).not.toContain(p.email);
    const s = await stripe();
    expect(s.subscriptions.find((x) => x.id === p.sub)?.status).toBe("canceled");
    expect(s.customers.find((x) => x.id === p.cus)?.deleted ?? !s.customers.some((x) => x.id === p.cus)).toBeTruthy();

    // Our rows: a tombstone, no identities or entitlement, payloads and texts redacted.
    const tomb = (await h.db.select().from(customers).where(eq(customers.id, p.customer.id)))[0]!;
    expect(tomb).toMatchObject({ appUserId: tombstoneAppUserId(p.userId), email: null, name: null, erasedBy: "app" });
    expect(tomb.erasedAt).toBeInstanceOf(Date);
    expect(await h.db.select().from(identities).where(eq(identities.customerId, p.customer.id))).toHaveLength(0);
    expect(await h.db.select().from(entitlements).where(eq(entitlements.customerId, p.customer.id))).toHaveLength(0);
    const theirs = await h.db.select().from(events).where(eq(events.customerId, p.customer.id));
    for (const row of theirs.filter((r) => r.id !== event.id)) {
      expect(row.rawBody).toBeNull();
      expect(row.redactedAt).toBeInstanceOf(Date);
    }
    const ownBody = (await eventRow(e.id)).rawBody!;
    expect(ownBody).not.toContain(p.userId);
    expect(ownBody).not.toContain("Asked in the app");
    const steps = await h.db
      .select()
      .from(eventSteps)
      .where(
        inArray(
          eventSteps.eventId,
          theirs.filter((r) => r.id !== event.id).map((r) => r.id),
        ),
      );
    for (const st of steps) expect(st.output).toBeNull();
    const [ticket] = await h.db.select().from(supportTickets).where(eq(supportTickets.customerId, p.customer.id));
    expect(ticket).toMatchObject({ email: null, subject: null, metadata: null, appUserId: null });
    const [alert] = await h.db.select().from(alerts).where(eq(alerts.customerId, p.customer.id));
    expect(alert!.title).not.toContain(p.userId);
    expect(alert!.title).toContain("[erased]");
    const everything = JSON.stringify([
      await h.db.select().from(customers),
      await h.db.select().from(supportTickets),
      await h.db.select().from(alerts),
      await h.db.select().from(auditLog),
      await h.db.select().from(eventSteps),
      (await h.db.select().from(events)).filter((r) => r.customerId === p.customer.id),
    ]);
    for (const term of [p.email, p.name, p.userId]) expect(everything).not.toContain(term);

    // The erasure and its receipt: one line per system, with confirmation ids.
    const erasure = (await erasureOf(event.id))!;
    expect(erasure).toMatchObject({ status: "completed", requestedBy: "app", customerId: p.customer.id });
    const view = (await getErasure(h.db, erasure.id))!;
    expect(view.status).toBe("completed");
    expect(view.steps.map((x) => [x.step, x.status])).toEqual([
      ["erase-crm", "succeeded"],
      ["erase-support", "succeeded"],
      ["erase-billing", "succeeded"],
      ["erase-records", "succeeded"],
    ]);
    const bySystem = Object.fromEntries(view.receipt.map((l) => [l.system, l]));
    expect(bySystem.hubspot).toMatchObject({ held: true, confirmationId: p.hubspotId });
    expect(bySystem.hubspot!.action).toMatch(/GDPR/);
    expect(bySystem.zendesk).toMatchObject({ held: true, confirmationId: p.zendeskId });
    expect(bySystem.zendesk!.action).toMatch(/User deleted; \d+ comments? on 1 ticket redacted/);
    expect(bySystem.stripe).toMatchObject({ held: true, confirmationId: p.cus });
    expect(bySystem.stripe!.action).toBe("1 subscription canceled at once; customer deleted");
    expect(bySystem.console).toMatchObject({ held: true, confirmationId: p.customer.id });
    for (const l of view.receipt) expect(Date.parse(l.at)).not.toBeNaN();
    // Every identifier is held as a hash, nothing in the clear.
    const hashes = (await h.db.select().from(erasedSubjects).where(eq(erasedSubjects.erasureId, erasure.id))).map(
      (r) => r.hash,
    );
    expect(hashes).toEqual(
      expect.arrayContaining([
        subjectHash("app", p.userId),
        subjectHash("email", p.email.toUpperCase()),
        subjectHash("stripe", p.cus),
        subjectHash("hubspot", p.hubspotId),
        subjectHash("zendesk", p.zendeskId),
      ]),
    );
  });

  it("ERASURE_STRIPE_CANCEL=period_end: the subscription ends at period end, the customer is anonymised, not deleted", async () => {
    process.env.ERASURE_STRIPE_CANCEL = "period_end";
    resetEnvCache();
    const p = await person();
    const e = await deleteUser(p.userId);
    const event = await eventRow(e.id);
    expect(event.status).toBe("succeeded");
    const s = await stripe();
    const sub = s.subscriptions.find((x) => x.id === p.sub)!;
    expect(sub.status).toBe("active");
    expect(sub.cancel_at_period_end).toBe(true);
    const cus = s.customers.find((x) => x.id === p.cus)!;
    expect(cus.deleted).toBeFalsy();
    expect(cus.email ?? null).toBeNull();
    const erasure = (await erasureOf(event.id))!;
    expect(erasure.stripeCancel).toBe("period_end");
    expect(erasure.receipt.find((l) => l.system === "stripe")!.action).toMatch(
      /^1 subscription set to cancel at period end; customer anonymised/,
    );
    // The adoption import still finds the anonymised customer in Stripe: it skips it, storing nothing.
    const other = uid("cus");
    await control.seed(h.sandbox.stripe, [{ object: "customer", id: other, email: `${other}@example.com` }]);
    const run = await importStripeCustomers(h.db, h.services.stripe, { enqueue: async () => {} });
    expect(run).toMatchObject({ ok: true, erased: 1, stored: 1 });
    expect(
      await h.db
        .select()
        .from(events)
        .where(eq(events.externalId, `import_${p.cus}`)),
    ).toHaveLength(0);
  });

  it("a failure in the middle leaves the event failed at erase-support; a replay finishes without a second GDPR delete", async () => {
    const p = await person();
    await control.fault(h.sandbox.zendesk, { method: "DELETE", path: "/api/v2/users/", status: 500, times: "always" });
    const e = await deleteUser(p.userId);
    let event = await eventRow(e.id);
    expect(event).toMatchObject({ status: "failed", failedStep: "erase-support" });
    const erasure = (await erasureOf(event.id))!;
    let view = (await getErasure(h.db, erasure.id))!;
    expect(view.status).toBe("failed");
    expect(view.steps.find((x) => x.step === "erase-crm")!.status).toBe("succeeded");
    expect(view.steps.find((x) => x.step === "erase-support")!.status).toBe("failed");
    expect(view.receipt.map((l) => l.system)).toEqual(["hubspot"]);
    // Meanwhile nothing of theirs may come back: a profile change is stored ignored.
    const late = appEvent("user.updated", { userId: p.userId, name: "Grace B. Hopper" });
    await h.postApp(late);
    await h.settle();
    expect((await eventRow(late.id)).status).toBe("ignored");
    // Our rows are untouched until the last step.
    expect((await customerOf(p.userId))?.email).toBe(p.email);

    await control.clearFaults(h.sandbox.zendesk);
    const replay = await replayEvent(h.db, SYSTEM_ACTOR, event.id);
    expect(replay.ok && replay.outcome.status).toBe("succeeded");
    event = await eventRow(e.id);
    expect(event.status).toBe("succeeded");
    expect(await control.requests(h.sandbox.hubspot, { path: "/crm/v3/objects/contacts/gdpr-delete" })).toHaveLength(1);
    expect((await zendesk()).users.some((u) => String(u.id) === p.zendeskId)).toBe(false);
    view = (await getErasure(h.db, erasure.id))!;
    expect(view.status).toBe("completed");
    expect(view.receipt.map((l) => l.system).sort()).toEqual(["console", "hubspot", "stripe", "zendesk"]);
    expect(
      await h.db
        .select()
        .from(erasures)
        .where(eq(erasures.subjectHash, subjectHash("app", p.userId))),
    ).toHaveLength(1);
  });

  it("late events after the erasure are stored ignored with the reason and recreate nobody", async () => {
    const p = await person();
    const e = await deleteUser(p.userId);
    const erasure = (await erasureOf((await eventRow(e.id)).id))!;
    const contactsBefore = (await hubspot()).contacts.length;
    const ticketsBefore = (await zendesk()).tickets.length;
    const customersBefore = (await h.db.select().from(customers)).length;

    const paid = stripeEvent("invoice.paid", {
      id: uid("in"),
      object: "invoice",
      customer: p.cus,
      amount_paid: 1900,
      currency: "eur",
      parent: { type: "subscription_details", subscription_details: { subscription: p.sub } },
    });
    expect((await h.postStripe(paid)).status).toBe(200);
    const updated = appEvent("user.updated", { userId: p.userId, email: p.email, name: "Back Again" });
    const support = appEvent("support.requested", {
      requestId: uid("req"),
      userId: uid("other"),
      email: p.email.toUpperCase(),
      subject: "Hello again",
      message: "Under another id, same email",
    });
    const signup = appEvent("user.signed_up", { userId: p.userId, email: `new-${p.email}` });
    for (const x of [updated, support, signup]) expect((await h.postApp(x)).status).toBe(200);
    // A webhook delivery we missed, read back by the backfill: stored, then ignored like a late webhook.
    const missed = stripeEvent("invoice.paid", { ...paid.data.object, id: uid("in") });
    await control.seed(h.sandbox.stripe, [{ ...missed, object: "event" }]);
    const backfill = await backfillStripeEvents(h.db, h.services.stripe);
    expect(backfill).toMatchObject({ ok: true });
    await h.settle();

    const [paidRow] = await h.db.select().from(events).where(eq(events.externalId, paid.id));
    const [missedRow] = await h.db.select().from(events).where(eq(events.externalId, missed.id));
    expect(missedRow!.arrivedVia).toBe("backfill");
    const late = [
      paidRow!,
      missedRow!,
      await eventRow(updated.id),
      await eventRow(support.id),
      await eventRow(signup.id),
    ];
    for (const row of late) {
      expect(row.status).toBe("ignored");
      expect(row.lastError).toMatch(
        new RegExp(
          `^The person was erased on \\d{4}-\\d{2}-\\d{2} \\(erasure ${erasure.id}\\); this event is kept but not processed\\.$`,
        ),
      );
      expect(await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, row.id))).toHaveLength(0);
    }
    expect((await hubspot()).contacts.length).toBe(contactsBefore);
    expect((await zendesk()).tickets.length).toBe(ticketsBefore);
    expect((await h.db.select().from(customers)).length).toBe(customersBefore);
  });

  it("a duplicate user.deleted: the same delivery is one event; a new one for the same person changes nothing", async () => {
    const p = await person();
    const e = await deleteUser(p.userId);
    expect((await h.postApp(e)).body.duplicate).toBe(true);
    const again = await deleteUser(p.userId, "asked twice");
    await h.settle();
    const row = await eventRow(again.id);
    expect(row.status).toBe("succeeded");
    const steps = await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, row.id));
    expect(steps.every((s) => s.status === "skipped")).toBe(true);
    expect(
      await h.db
        .select()
        .from(erasures)
        .where(eq(erasures.subjectHash, subjectHash("app", p.userId))),
    ).toHaveLength(1);
    expect(await control.requests(h.sandbox.hubspot, { path: "/crm/v3/objects/contacts/gdpr-delete" })).toHaveLength(1);
    // A forced replay of the finished erasure repeats nothing either.
    const first = await eventRow(e.id);
    const replay = await replayEvent(h.db, SYSTEM_ACTOR, first.id, { force: true });
    expect(replay.ok && replay.outcome.status).toBe("succeeded");
    expect(await control.requests(h.sandbox.hubspot, { path: "/crm/v3/objects/contacts/gdpr-delete" })).toHaveLength(1);
    expect((await getErasure(h.db, (await erasureOf(first.id))!.id))!.status).toBe("completed");
  });

  it("someone we never held: every system says Nothing held, and the erasure completes", async () => {
    const userId = uid("ghost");
    const e = await deleteUser(userId);
    const event = await eventRow(e.id);
    expect(event.status).toBe("succeeded");
    const erasure = (await erasureOf(event.id))!;
    expect(erasure.status).toBe("completed");
    const lines = Object.fromEntries(erasure.receipt.map((l) => [l.system, l]));
    for (const system of ["hubspot", "zendesk", "stripe"])
      expect(lines[system]).toMatchObject({ held: false, action: "Nothing held" });
    expect(lines.console!.held).toBe(false);
    expect(await control.requests(h.sandbox.hubspot, { path: "/crm/v3/objects/contacts/gdpr-delete" })).toHaveLength(0);
  });
});
