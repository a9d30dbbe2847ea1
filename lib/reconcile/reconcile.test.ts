// Reconciliation and repair on a real PGlite, with the real SDKs against the sandboxes: a customer who signed
// up, paid and asked for support checks clean; a HubSpot property edited by hand, a Stripe subscription changed
// without an event and a Zendesk external id changed are each one drift row, kept (not duplicated) by a second
// check, and repaired through the pipeline's own writes with an audit entry.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq, isNull } from "drizzle-orm";
import { Client } from "@hubspot/api-client";
import * as control from "@/sandbox/client";
import type { HubspotState, ZendeskState } from "@/sandbox/client";
import { auditLog, driftFindings } from "@/db/schema";
import { customerByAppUserId, identityOf } from "@/db/queries/identities";
import { entitlementOf } from "@/db/queries/entitlements";
import { getSyncCursor } from "@/db/queries/sync-cursors";
import { getOverview } from "@/db/queries/overview";
import { latestDigest } from "@/db/queries/alerts";
import { alerts } from "@/db/schema";
import { recordDailyDigest } from "@/lib/monitoring/digest";
import type { Actor } from "@/lib/auth/roles";
import { env } from "@/lib/env";
import { appEvent, startHarness, stripeEvent, uid, type Harness } from "@/test/harness";
import { checkDriftNow, repairDrift } from "@/lib/commands/drift";
import { reconcileTick } from "./periodic";
import { reconcileCustomers } from "./reconcile";

const admin: Actor = { id: null, email: "admin@example.com", role: "admin", via: "session" };
const viewer: Actor = { id: null, email: "viewer@example.com", role: "viewer", via: "session" };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(async () => {
  await h.sandbox.reset();
  await h.db.delete(driftFindings);
});

/** A customer who signed up, paid (an active pro subscription) and asked for support once. */
async function paidCustomer() {
  const userId = uid("u");
  const email = `${userId}@example.com`;
  await h.postApp(appEvent("user.signed_up", { userId, email, name: "Ada Lovelace" }));
  await h.settle();
  const cus = uid("cus");
  await control.seed(h.sandbox.stripe, [
    { object: "customer", id: cus, email, metadata: { app_user_id: userId } },
    {
      object: "subscription",
      id: `sub_${cus}`,
      customer: cus,
      status: "active",
      price: { id: "price_pro", lookup_key: "pro" },
      current_period_end: Math.floor(Date.now() / 1000) + 30 * 86400,
    },
  ]);
  const sub = {
    id: `sub_${cus}`,
    object: "subscription",
    customer: cus,
    status: "active",
    items: {
      data: [
        {
          price: { id: "price_pro", lookup_key: "pro" },
          current_period_end: Math.floor(Date.now() / 1000) + 30 * 86400,
        },
      ],
    },
  };
  await h.postStripe(stripeEvent("customer.subscription.created", sub));
  await h.settle();
  await h.postApp(
    appEvent("support.requested", { requestId: uid("req"), userId, email, subject: "Help", message: "Hi" }),
  );
  await h.settle();
  const customer = (await customerByAppUserId(h.db, userId))!;
  return { userId, email, cus, customer };
}

const openRows = (customerId: string) =>
  h.db
    .select()
    .from(driftFindings)
    .where(and(eq(driftFindings.customerId, customerId), isNull(driftFindings.resolvedAt)));

const hubspotClient = () => new Client({ accessToken: env.HUBSPOT_ACCESS_TOKEN, basePath: h.sandbox.hubspot.url });

async function contactOf(customerId: string) {
  const id = (await identityOf(h.db, customerId, "hubspot"))!;
  const state = await control.state<HubspotState>(h.sandbox.hubspot);
  return state.contacts.find((c) => c.id === id)!;
}

describe("reconcileCustomers", () => {
  it("a signed-up, paid customer with a ticket checks clean in every system", async () => {
    const { customer } = await paidCustomer();
    expect(await identityOf(h.db, customer.id, "hubspot")).toBeTruthy();
    expect(await identityOf(h.db, customer.id, "stripe")).toBeTruthy();
    expect(await identityOf(h.db, customer.id, "zendesk")).toBeTruthy();
    const r = await reconcileCustomers(h.db, h.services, { customerIds: [customer.id] });
    expect(r).toMatchObject({ checked: 1, opened: 0, resolved: 0, failures: [], done: true });
    expect(await openRows(customer.id)).toEqual([]);
  });

  it("a HubSpot field edited by hand is one drift row, kept by a second check, and the check never writes", async () => {
    const { customer } = await paidCustomer();
    const contactId = (await identityOf(h.db, customer.id, "hubspot"))!;
    await hubspotClient().crm.contacts.basicApi.update(contactId, { properties: { app_plan: "enterprise" } });
    const writesBefore = (await contactOf(customer.id)).writes;

    const first = await reconcileCustomers(h.db, h.services, { customerIds: [customer.id] });
    expect(first).toMatchObject({ checked: 1, opened: 1 });
    const [row] = await openRows(customer.id);
    expect(row).toMatchObject({ system: "hubspot", field: "app_plan", expected: "pro", actual: "enterprise" });

    const second = await reconcileCustomers(h.db, h.services, { customerIds: [customer.id] });
    expect(second).toMatchObject({ opened: 0, resolved: 0 });
    const again = await openRows(customer.id);
    expect(again).toHaveLength(1);
    expect(again[0]!.id).toBe(row!.id);
    expect(again[0]!.detectedAt.getTime()).toBe(row!.detectedAt.getTime());
    expect((await contactOf(customer.id)).writes).toBe(writesBefore);
    expect((await contactOf(customer.id)).properties.app_plan).toBe("enterprise");

    // Repair writes the projection back, resolves the row as repaired and audits it.
    const repaired = await repairDrift(h.db, admin, row!.id, h.services);
    expect(repaired).toMatchObject({ ok: true, repaired: 1 });
    expect((await contactOf(customer.id)).properties.app_plan).toBe("pro");
    const [after] = await h.db.select().from(driftFindings).where(eq(driftFindings.id, row!.id));
    expect(after).toMatchObject({ resolution: "repaired" });
    expect(after!.resolvedAt).toBeInstanceOf(Date);
    const entries = await h.db.select().from(auditLog).where(eq(auditLog.action, "drift.repair"));
    expect(entries.find((e) => e.targetId === customer.appUserId)).toMatchObject({
      actorEmail: admin.email,
      details: expect.objectContaining({ system: "hubspot", fields: ["app_plan"], outcome: "succeeded" }),
    });
    expect(await reconcileCustomers(h.db, h.services, { customerIds: [customer.id] })).toMatchObject({ opened: 0 });
  });

  it("a difference that goes away by itself is resolved as matched", async () => {
    const { customer } = await paidCustomer();
    const contactId = (await identityOf(h.db, customer.id, "hubspot"))!;
    await hubspotClient().crm.contacts.basicApi.update(contactId, { properties: { lastname: "Byron" } });
    expect(await reconcileCustomers(h.db, h.services, { customerIds: [customer.id] })).toMatchObject({ opened: 1 });
    await hubspotClient().crm.contacts.basicApi.update(contactId, { properties: { lastname: "Lovelace" } });
    expect(await reconcileCustomers(h.db, h.services, { customerIds: [customer.id] })).toMatchObject({
      opened: 0,
      resolved: 1,
    });
    const rows = await h.db.select().from(driftFindings).where(eq(driftFindings.customerId, customer.id));
    expect(rows.map((r) => r.resolution)).toEqual(["matched"]);
  });

  it("a Stripe subscription changed without an event is entitlement drift; repair applies it", async () => {
    const { customer, cus } = await paidCustomer();
    await control.seed(h.sandbox.stripe, [
      {
        object: "subscription",
        id: `sub_${cus}`,
        customer: cus,
        status: "past_due",
        price: { id: "price_team", lookup_key: "team" },
        current_period_end: Math.floor(Date.now() / 1000) + 30 * 86400,
      },
    ]);
    const r = await reconcileCustomers(h.db, h.services, { customerIds: [customer.id] });
    expect(r).toMatchObject({ opened: 2 });
    const rows = (await openRows(customer.id)).filter((x) => x.system === "stripe");
    expect(rows.map((x) => [x.field, x.expected, x.actual]).sort()).toEqual([
      ["entitlement.plan", "team", "pro"],
      ["entitlement.status", "past_due", "active"],
    ]);
    const result = await repairDrift(h.db, admin, rows[0]!.id, h.services);
    expect(result).toMatchObject({ ok: true, repaired: 2 });
    expect(await entitlementOf(h.db, customer.id)).toMatchObject({ status: "past_due", plan: "team" });
    // HubSpot follows the repaired entitlement.
    expect((await contactOf(customer.id)).properties).toMatchObject({
      app_plan: "team",
      app_billing_status: "past_due",
    });
    expect(await openRows(customer.id)).toEqual([]);
    expect(await reconcileCustomers(h.db, h.services, { customerIds: [customer.id] })).toMatchObject({ opened: 0 });
  });

  it("a Zendesk requester's external id changed is drift; repair sets it back", async () => {
    const { customer, userId } = await paidCustomer();
    const zendeskId = (await identityOf(h.db, customer.id, "zendesk"))!;
    const put = await fetch(`${h.sandbox.zendesk.url}/api/v2/users/${zendeskId}.json`, {
      method: "PUT",
      headers: {
        "content-type": "application/json",
        authorization: `Basic ${Buffer.from(`${env.ZENDESK_EMAIL}/token:${env.ZENDESK_API_TOKEN}`).toString("base64")}`,
      },
      body: JSON.stringify({ user: { external_id: "someone-else" } }),
    });
    expect(put.status).toBe(200);
    await reconcileCustomers(h.db, h.services, { customerIds: [customer.id] });
    const [row] = await openRows(customer.id);
    expect(row).toMatchObject({ system: "zendesk", field: "external_id", expected: userId, actual: "someone-else" });
    expect(await repairDrift(h.db, admin, "all", h.services)).toMatchObject({ ok: true, repaired: 1, failed: 0 });
    const state = await control.state<ZendeskState>(h.sandbox.zendesk);
    expect(state.users.find((u) => String(u.id) === zendeskId)?.external_id).toBe(userId);
    expect(await openRows(customer.id)).toEqual([]);
  });

  it("a viewer can neither check nor repair", async () => {
    const { customer } = await paidCustomer();
    const contactId = (await identityOf(h.db, customer.id, "hubspot"))!;
    await hubspotClient().crm.contacts.basicApi.update(contactId, { properties: { app_plan: "x" } });
    await reconcileCustomers(h.db, h.services, { customerIds: [customer.id] });
    const [row] = await openRows(customer.id);
    expect(await repairDrift(h.db, viewer, row!.id, h.services)).toMatchObject({ ok: false, status: 403 });
    expect(await repairDrift(h.db, viewer, "all", h.services)).toMatchObject({ ok: false, status: 403 });
    expect(await checkDriftNow(h.db, viewer, h.services)).toMatchObject({ ok: false, status: 403 });
    expect(await openRows(customer.id)).toHaveLength(1);
  });

  it("a HubSpot outage leaves the findings as they were and says so", async () => {
    const { customer } = await paidCustomer();
    await control.fault(h.sandbox.hubspot, { path: "/crm/v3/objects/contacts/batch/read", status: 500, times: 1 });
    const r = await reconcileCustomers(h.db, h.services, { customerIds: [customer.id] });
    expect(r.failures).toMatchObject([{ system: "hubspot", customers: 1 }]);
    expect(await openRows(customer.id)).toEqual([]);
  });
});

describe("a contact deleted in HubSpot, and the open count", () => {
  it("is drift on the contact itself (HubSpot answers 207), counted on the overview and in the digest", async () => {
    const { customer } = await paidCustomer();
    const contactId = (await identityOf(h.db, customer.id, "hubspot"))!;
    await hubspotClient().crm.contacts.basicApi.archive(contactId);
    await reconcileCustomers(h.db, h.services, { customerIds: [customer.id] });
    expect(await openRows(customer.id)).toMatchObject([
      { system: "hubspot", field: "contact", expected: contactId, actual: null },
    ]);
    expect((await getOverview(h.db)).openDrift).toBe(1);
    await h.db.delete(alerts);
    const day = new Date("2026-11-23T12:00:00Z");
    expect(await recordDailyDigest(h.db, 8, day)).toBe(true);
    // The digest is a message (kept in ops_state for the notifier), not an alert row.
    expect(await h.db.select().from(alerts)).toEqual([]);
    expect((await latestDigest(h.db))?.title).toContain("1 drift difference to review");
    // Repair writes the contact again (a new one) and links it.
    const [row] = await openRows(customer.id);
    expect(await repairDrift(h.db, admin, row!.id, h.services)).toMatchObject({ ok: true, repaired: 1 });
    const relinked = await identityOf(h.db, customer.id, "hubspot");
    expect(relinked).toBeTruthy();
    expect(relinked).not.toBe(contactId);
    expect(await reconcileCustomers(h.db, h.services, { customerIds: [customer.id] })).toMatchObject({ opened: 0 });
  });
});

describe("reconcileTick", () => {
  it("runs a pass at most hourly, in slices that resume after the last customer", async () => {
    await paidCustomer();
    await paidCustomer();
    const t0 = new Date();
    const first = await reconcileTick(h.db, h.services, t0, { perTick: 1 });
    expect(first).toMatchObject({ checked: 1, done: false });
    const second = await reconcileTick(h.db, h.services, new Date(t0.getTime() + 60_000), { perTick: 1000 });
    expect(second).toMatchObject({ done: true });
    expect(second!.passStartedAt).toBe(first!.passStartedAt);
    expect(await reconcileTick(h.db, h.services, new Date(t0.getTime() + 120_000))).toBeNull();
    expect((await getSyncCursor(h.db, "reconcile"))?.cursor).toMatchObject({ afterId: null });
    const later = await reconcileTick(h.db, h.services, new Date(t0.getTime() + 61 * 60_000), { perTick: 1000 });
    expect(later).toMatchObject({ done: true });
  });
});
