// Customer operations on a real PGlite, with the CRM re-sync going through the real HubSpot SDK to the sandbox.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import * as control from "@/sandbox/client";
import type { HubspotState } from "@/sandbox/client";
import { auditLog, identities } from "@/db/schema";
import { linkIdentity, upsertAppCustomer } from "@/db/queries/identities";
import type { Actor } from "@/lib/auth/roles";
import { startHarness, uid, type Harness } from "@/test/harness";
import { confirmIdentity, linkIdentityByHand, resyncCustomerToCrm, unlinkIdentity } from "./customers";

const admin: Actor = { id: null, email: "admin@example.com", role: "admin", via: "session" };
const viewer: Actor = { id: null, email: "viewer@example.com", role: "viewer", via: "session" };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(() => h.sandbox.reset());

async function customer(
  links: { system: "stripe" | "hubspot" | "zendesk"; id: string; by: "id" | "email" | "manual" }[] = [],
) {
  const appUserId = uid("u");
  const row = await upsertAppCustomer(h.db, { appUserId, email: `${appUserId}@example.com` });
  for (const l of links) await linkIdentity(h.db, row.id, l.system, l.id, l.by);
  return { ...row, appUserId };
}
const linkOf = async (customerId: string, system: "stripe" | "hubspot" | "zendesk") =>
  (
    await h.db
      .select()
      .from(identities)
      .where(and(eq(identities.customerId, customerId), eq(identities.system, system)))
  )[0];
const auditOf = async (appUserId: string) => h.db.select().from(auditLog).where(eq(auditLog.targetId, appUserId));

describe("confirmIdentity", () => {
  it("verifies an email match and records who did it", async () => {
    const c = await customer([{ system: "stripe", id: uid("cus"), by: "email" }]);
    const link = (await linkOf(c.id, "stripe"))!;
    const result = await confirmIdentity(h.db, admin, {
      appUserId: c.appUserId,
      system: "stripe",
      externalId: link.externalId,
    });
    expect(result).toMatchObject({ ok: true });
    expect(await linkOf(c.id, "stripe")).toMatchObject({
      verified: true,
      matchedBy: "email",
      externalId: link.externalId,
    });
    const [entry] = await auditOf(c.appUserId);
    expect(entry).toMatchObject({
      action: "identity.confirm",
      actorEmail: admin.email,
      via: "session",
      targetType: "customer",
    });
    expect(entry!.details).toMatchObject({ system: "stripe", externalId: link.externalId });
  });

  it("refuses a link that is already verified, a link that changed, a missing one, and a viewer", async () => {
    const c = await customer([{ system: "stripe", id: uid("cus"), by: "id" }]);
    const stripeId = (await linkOf(c.id, "stripe"))!.externalId;
    expect(
      await confirmIdentity(h.db, admin, { appUserId: c.appUserId, system: "stripe", externalId: stripeId }),
    ).toMatchObject({ ok: false, status: 409 });
    expect(
      await confirmIdentity(h.db, admin, { appUserId: c.appUserId, system: "stripe", externalId: "cus_other" }),
    ).toMatchObject({ ok: false, status: 409, error: expect.stringContaining("changed") });
    expect(
      await confirmIdentity(h.db, admin, { appUserId: c.appUserId, system: "zendesk", externalId: "1" }),
    ).toMatchObject({ ok: false, status: 404 });
    expect(
      await confirmIdentity(h.db, admin, { appUserId: "nobody", system: "stripe", externalId: stripeId }),
    ).toMatchObject({ ok: false, status: 404 });
    expect(
      await confirmIdentity(h.db, viewer, { appUserId: c.appUserId, system: "stripe", externalId: stripeId }),
    ).toMatchObject({ ok: false, status: 403 });
    expect(await auditOf(c.appUserId)).toHaveLength(0);
  });
});

describe("unlinkIdentity", () => {
  it("removes an email match (and a link made by hand), with an audit row each", async () => {
    const zendeskId = String(Date.now() % 1e9);
    const c = await customer([
      { system: "zendesk", id: zendeskId, by: "email" },
      { system: "hubspot", id: "4242", by: "manual" },
    ]);
    expect(
      await unlinkIdentity(h.db, admin, { appUserId: c.appUserId, system: "zendesk", externalId: zendeskId }),
    ).toMatchObject({ ok: true });
    expect(
      await unlinkIdentity(h.db, admin, { appUserId: c.appUserId, system: "hubspot", externalId: "4242" }),
    ).toMatchObject({ ok: true });
    expect(await linkOf(c.id, "zendesk")).toBeUndefined();
    expect(await linkOf(c.id, "hubspot")).toBeUndefined();
    const entries = await auditOf(c.appUserId);
    expect(entries.map((e) => e.action)).toEqual(["identity.unlink", "identity.unlink"]);
    expect(entries.map((e) => (e.details as { matchedBy: string }).matchedBy).sort()).toEqual(["email", "manual"]);
  });

  it("keeps a link made from our own id (the next event would restore it) and refuses a viewer", async () => {
    const cus = uid("cus");
    const c = await customer([{ system: "stripe", id: cus, by: "id" }]);
    expect(
      await unlinkIdentity(h.db, admin, { appUserId: c.appUserId, system: "stripe", externalId: cus }),
    ).toMatchObject({ ok: false, status: 409 });
    expect(
      await unlinkIdentity(h.db, viewer, { appUserId: c.appUserId, system: "stripe", externalId: cus }),
    ).toMatchObject({ ok: false, status: 403 });
    expect(await linkOf(c.id, "stripe")).toMatchObject({ externalId: cus });
    expect(await auditOf(c.appUserId)).toHaveLength(0);
  });
});

describe("linkIdentityByHand", () => {
  it("links a missing system as a verified manual link, and replaces an email match", async () => {
    const c = await customer([{ system: "zendesk", id: "111", by: "email" }]);
    const cus = uid("cus");
    expect(
      await linkIdentityByHand(h.db, admin, { appUserId: c.appUserId, system: "stripe", externalId: ` ${cus} ` }),
    ).toMatchObject({ ok: true });
    expect(await linkOf(c.id, "stripe")).toMatchObject({ externalId: cus, matchedBy: "manual", verified: true });
    expect(
      await linkIdentityByHand(h.db, admin, { appUserId: c.appUserId, system: "zendesk", externalId: "222" }),
    ).toMatchObject({ ok: true });
    expect(await linkOf(c.id, "zendesk")).toMatchObject({ externalId: "222", matchedBy: "manual", verified: true });
    const entries = await auditOf(c.appUserId);
    expect(entries.map((e) => e.action)).toEqual(["identity.link_manual", "identity.link_manual"]);
    expect(entries[1]!.details).toMatchObject({
      system: "zendesk",
      externalId: "222",
      replaced: { externalId: "111", matchedBy: "email", verified: false },
    });
  });

  it("refuses an external id that belongs to another customer, naming that customer", async () => {
    const cus = uid("cus");
    const owner = await customer([{ system: "stripe", id: cus, by: "id" }]);
    const other = await customer();
    const result = await linkIdentityByHand(h.db, admin, {
      appUserId: other.appUserId,
      system: "stripe",
      externalId: cus,
    });
    expect(result).toMatchObject({ ok: false, status: 409, field: "externalId" });
    expect(!result.ok && result.error).toContain(owner.email!);
    expect(await linkOf(other.id, "stripe")).toBeUndefined();
    expect(await linkOf(owner.id, "stripe")).toMatchObject({ externalId: cus });
    expect(await auditOf(other.appUserId)).toHaveLength(0);
  });

  it("refuses malformed ids, replacing a link made from our own id, an unknown customer and a viewer", async () => {
    const cus = uid("cus");
    const c = await customer([{ system: "stripe", id: cus, by: "id" }]);
    expect(
      await linkIdentityByHand(h.db, admin, { appUserId: c.appUserId, system: "stripe", externalId: "12345" }),
    ).toMatchObject({ ok: false, status: 400, field: "externalId" });
    expect(
      await linkIdentityByHand(h.db, admin, { appUserId: c.appUserId, system: "hubspot", externalId: "abc" }),
    ).toMatchObject({ ok: false, status: 400 });
    expect(
      await linkIdentityByHand(h.db, admin, { appUserId: c.appUserId, system: "stripe", externalId: uid("cus") }),
    ).toMatchObject({ ok: false, status: 409 });
    expect(
      await linkIdentityByHand(h.db, admin, { appUserId: c.appUserId, system: "stripe", externalId: cus }),
    ).toMatchObject({ ok: false, status: 409, error: expect.stringContaining("already linked") });
    expect(
      await linkIdentityByHand(h.db, admin, { appUserId: "nobody", system: "hubspot", externalId: "1" }),
    ).toMatchObject({ ok: false, status: 404 });
    expect(
      await linkIdentityByHand(h.db, viewer, { appUserId: c.appUserId, system: "hubspot", externalId: "1" }),
    ).toMatchObject({ ok: false, status: 403 });
    expect(await linkOf(c.id, "stripe")).toMatchObject({ externalId: cus, matchedBy: "id" });
    expect(await auditOf(c.appUserId)).toHaveLength(0);
  });
});

describe("resyncCustomerToCrm", () => {
  const contactsOf = async (appUserId: string) =>
    (await control.state<HubspotState>(h.sandbox.hubspot)).contacts.filter(
      (c) => c.properties.app_user_id === appUserId,
    );

  it("writes the projection to HubSpot through the SDK, links the contact and audits it", async () => {
    const userId = uid("u");
    await upsertAppCustomer(h.db, { appUserId: userId, email: `${userId}@example.com`, name: "Ada Lovelace" });
    expect(await contactsOf(userId)).toHaveLength(0);
    const result = await resyncCustomerToCrm(h.db, admin, userId, h.services);
    expect(result).toMatchObject({ ok: true, contactId: expect.any(String) });
    const [contact] = await contactsOf(userId);
    expect(contact!.properties).toMatchObject({
      email: `${userId}@example.com`,
      firstname: "Ada",
      app_billing_status: "none",
    });
    const c = (
      await h.db
        .select()
        .from(identities)
        .where(and(eq(identities.system, "hubspot"), eq(identities.externalId, contact!.id)))
    )[0];
    expect(c).toMatchObject({ matchedBy: "id", verified: true });
    expect(c!.lastSyncedAt!.getTime()).toBeGreaterThan(Date.now() - 10_000);
    const entries = await auditOf(userId);
    expect(entries.map((e) => [e.action, (e.details as { outcome: string }).outcome])).toEqual([
      ["customer.resync_crm", "succeeded"],
    ]);
  });

  it("answers HubSpot's own error when it refuses, and audits the failed attempt", async () => {
    const c = await customer();
    await control.fault(h.sandbox.hubspot, {
      path: "/crm/v3/objects/contacts/batch/upsert",
      status: 400,
      body: { status: "error", category: "VALIDATION_ERROR", message: "Property values were not valid (injected)" },
    });
    const result = await resyncCustomerToCrm(h.db, admin, c.appUserId, h.services);
    expect(result).toMatchObject({ ok: false, status: 502 });
    expect(!result.ok && result.error).toMatch(/400.*Property values were not valid/);
    expect(await linkOf(c.id, "hubspot")).toBeUndefined();
    const [entry] = await auditOf(c.appUserId);
    expect(entry).toMatchObject({ action: "customer.resync_crm", details: { outcome: "failed", status: 400 } });
  });

  it("refuses a viewer and an unknown customer without calling HubSpot", async () => {
    const c = await customer();
    expect(await resyncCustomerToCrm(h.db, viewer, c.appUserId, h.services)).toMatchObject({ ok: false, status: 403 });
    expect(await resyncCustomerToCrm(h.db, admin, "nobody", h.services)).toMatchObject({ ok: false, status: 404 });
    expect(await contactsOf(c.appUserId)).toHaveLength(0);
  });
});

describe("identity changes and their audit entries are one transaction", () => {
  /** Makes every audit insert fail (a real trigger on the real table), for the length of `work`. */
  async function withAuditFailing(work: () => Promise<void>) {
    await h.db.execute(
      sql`create or replace function refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit log unavailable'; end $$`,
    );
    await h.db.execute(
      sql`create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()`,
    );
    try {
      await work();
    } finally {
      await h.db.execute(sql`drop trigger refuse_audit on audit_log`);
    }
  }

  it("confirm, unlink and link by hand change nothing when the audit entry cannot be written", async () => {
    const stripeId = uid("cus");
    const hubspotId = String(Date.now() % 1_000_000_000);
    const c = await customer([
      { system: "stripe", id: stripeId, by: "email" },
      { system: "hubspot", id: hubspotId, by: "email" },
    ]);
    const zendeskId = String((Date.now() + 1) % 1_000_000_000);
    await withAuditFailing(async () => {
      await expect(
        confirmIdentity(h.db, admin, { appUserId: c.appUserId, system: "stripe", externalId: stripeId }),
      ).rejects.toThrow();
      await expect(
        unlinkIdentity(h.db, admin, { appUserId: c.appUserId, system: "hubspot", externalId: hubspotId }),
      ).rejects.toThrow();
      await expect(
        linkIdentityByHand(h.db, admin, { appUserId: c.appUserId, system: "zendesk", externalId: zendeskId }),
      ).rejects.toThrow();
    });
    expect(await linkOf(c.id, "stripe")).toMatchObject({ externalId: stripeId, verified: false });
    expect(await linkOf(c.id, "hubspot")).toMatchObject({ externalId: hubspotId });
    expect(await linkOf(c.id, "zendesk")).toBeUndefined();
    expect(await auditOf(c.appUserId)).toEqual([]);
  });
});
