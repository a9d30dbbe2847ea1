// The data export against the sandboxes through the real SDKs: our records (with the events' payloads) and what
// Stripe, HubSpot and Zendesk hold; a system that fails is reported in the file while the rest is still there;
// and the erasure request's typed confirmation, which writes nothing when it does not name the person.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { count } from "drizzle-orm";
import { getCustomerByAppUserId } from "@/db/queries/customers";
import { linkIdentity } from "@/db/queries/identities";
import { erasures, events } from "@/db/schema";
import type { Actor } from "@/lib/auth/roles";
import * as control from "@/sandbox/client";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { confirmationMatches, exportFilename, exportPersonData, requestErasure } from "./export";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 180_000); // a migrated PGlite clone and four sandboxes: slow on a busy machine
afterAll(() => h?.close());
beforeEach(async () => {
  await control.clearFaults(h.sandbox.hubspot);
  await control.clearFaults(h.sandbox.stripe);
});

const owner: Actor = { id: null, email: "owner@example.com", role: "owner", via: "session" };

/** A person known everywhere: signed up (HubSpot contact), asked for support (Zendesk user and ticket), pays. */
async function person() {
  const appUserId = uid("u");
  const email = `${appUserId}@example.com`;
  expect((await h.postApp(appEvent("user.signed_up", { userId: appUserId, email, name: "Ada Lovelace" }))).status).toBe(
    200,
  );
  await h.settle();
  const support = appEvent("support.requested", {
    requestId: uid("req"),
    userId: appUserId,
    email,
    subject: "Cannot restore purchase",
    message: "I paid yesterday and the app still says free.",
  });
  expect((await h.postApp(support)).status).toBe(200);
  await h.settle();
  const cus = uid("cus");
  await control.seed(h.sandbox.stripe, [
    { object: "customer", id: cus, email },
    { object: "subscription", id: uid("sub"), customer: cus, status: "active", price: "price_pro" },
  ]);
  const found = await getCustomerByAppUserId(h.db, appUserId);
  await linkIdentity(h.db, found!.customer.id, "stripe", cus, "id");
  return { appUserId, email, cus };
}

describe("exportPersonData", () => {
  it("holds our records with the events' payloads and each system's live data", async () => {
    const p = await person();
    const result = await exportPersonData(h.db, h.services, owner, p.appUserId, new Date("2026-11-28T10:00:00Z"));
    if (!result.ok) throw new Error(result.error);
    const { data } = result;
    expect(result.filename).toBe(`${p.appUserId}-data-2026-11-28.json`);
    expect(data.summary).toEqual({
      ourRecords: "included",
      stripe: "included",
      hubspot: "included",
      zendesk: "included",
      intercom: "not_linked",
    });
    expect(data.ourRecords.customer).toMatchObject({ appUserId: p.appUserId, email: p.email, name: "Ada Lovelace" });
    expect(data.ourRecords.identities.map((i) => i.system).sort()).toEqual(["app", "hubspot", "stripe", "zendesk"]);
    const types = data.ourRecords.events.map((e) => (e as { type: string }).type).sort();
    expect(types).toEqual(["support.requested", "user.signed_up"]);
    // The payloads themselves, as received: the support request's words are in the file.
    expect(JSON.stringify(data.ourRecords.events)).toContain("I paid yesterday and the app still says free.");
    expect(data.ourRecords.supportTickets).toHaveLength(1);
    expect(data.stripe).toMatchObject({ status: "included", id: p.cus });
    const stripe = (data.stripe as { data: { customer: { email: string }; subscriptions: unknown[] } }).data;
    expect(stripe.customer.email).toBe(p.email);
    expect(stripe.subscriptions).toHaveLength(1);
    expect(JSON.stringify(data.hubspot)).toContain(p.email);
    expect(JSON.stringify(data.zendesk)).toContain("Cannot restore purchase");
  });

  it("reports a system that fails inside the file and still gives the rest", async () => {
    const p = await person();
    await control.fault(h.sandbox.hubspot, { path: "/crm/v3/objects/contacts", status: 503, times: "always" });
    await control.fault(h.sandbox.stripe, { path: "/v1/customers", status: 500, times: "always" });
    const result = await exportPersonData(h.db, h.services, owner, p.appUserId);
    if (!result.ok) throw new Error(result.error);
    const { data } = result;
    expect(data.summary).toMatchObject({ hubspot: "failed", stripe: "failed", zendesk: "included" });
    expect(data.hubspot).toMatchObject({ status: "failed", error: expect.stringMatching(/HubSpot answered HTTP 503/) });
    expect(data.stripe).toMatchObject({ status: "failed", id: p.cus, error: expect.stringMatching(/Stripe/) });
    expect(data.ourRecords.events).toHaveLength(2);
  });

  it("answers 404 for an unknown person, and says not linked for a system they are not in", async () => {
    const unknown = await exportPersonData(h.db, h.services, owner, "nobody_here");
    expect(unknown).toMatchObject({ ok: false, status: 404, error: expect.stringContaining("nobody_here") });

    const appUserId = uid("u");
    await h.postApp(appEvent("user.signed_up", { userId: appUserId, email: `${appUserId}@example.com` }));
    await h.settle();
    const result = await exportPersonData(h.db, h.services, owner, appUserId);
    if (!result.ok) throw new Error(result.error);
    expect(result.data.stripe).toEqual({ status: "not_linked", note: "No Stripe record is linked to this person." });
    expect(result.data.zendesk.status).toBe("not_linked");
  });

  it("names the file safely whatever the app user id holds", () => {
    expect(exportFilename('a"b/c\\d é', new Date("2026-01-02T00:00:00Z"))).toBe("a_b_c_d__-data-2026-01-02.json");
  });
});

describe("requestErasure", () => {
  const counts = async () => ({
    erasures: (await h.db.select({ n: count() }).from(erasures))[0]!.n,
    events: (await h.db.select({ n: count() }).from(events))[0]!.n,
  });

  it("matches the app user id exactly or the email in any case", () => {
    const c = { appUserId: "u_1", email: "Ada@Example.com" };
    expect(confirmationMatches(c, "u_1")).toBe(true);
    expect(confirmationMatches(c, "  ada@example.COM ")).toBe(true);
    expect(confirmationMatches(c, "U_1")).toBe(false);
    expect(confirmationMatches(c, "")).toBe(false);
    expect(confirmationMatches({ appUserId: "u_2", email: null }, "")).toBe(false);
  });

  it("refuses a confirmation that does not name the person, and an unknown person, writing nothing", async () => {
    const p = await person();
    const before = await counts();
    const wrong = await requestErasure(h.db, owner, { appUserId: p.appUserId, confirm: "someone else" });
    expect(wrong).toMatchObject({ ok: false, status: 400, field: "confirm" });
    expect((wrong as { error: string }).error).toContain(p.appUserId);
    const unknown = await requestErasure(h.db, owner, { appUserId: "nobody_here", confirm: "nobody_here" });
    expect(unknown).toMatchObject({ ok: false, status: 404 });
    expect(await counts()).toEqual(before);
  });

  it("starts the erasure when the email is typed, and refuses the same person once erased", async () => {
    const p = await person();
    const started = await requestErasure(h.db, owner, {
      appUserId: p.appUserId,
      confirm: p.email.toUpperCase(),
      reason: "Asked by email",
    });
    if (!started.ok) throw new Error(started.error);
    expect(started.erasureId).toMatch(/^[0-9a-f-]{36}$/);
    await h.settle();
    const again = await requestErasure(h.db, owner, { appUserId: p.appUserId, confirm: p.appUserId });
    expect(again).toMatchObject({ ok: false, status: 409, error: expect.stringContaining("already erased") });
    const gone = await exportPersonData(h.db, h.services, owner, p.appUserId);
    expect(gone).toMatchObject({ ok: false, status: 404, error: expect.stringContaining("was erased") });
  });
});
