// Payment recovery with Intercom as the support tool (its own harness, against the sandboxes with the real SDKs):
// the card-update link goes as an admin email to the customer's contact, once, even after a lost answer; an
// Intercom failure is recorded in plain words; nothing to send to is a 409.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recoveryActions } from "@/db/schema";
import { identityOf, linkIdentity } from "@/db/queries/identities";
import { verifyRecoveryToken } from "@/lib/billing/recovery-link";
import { resetEnvCache } from "@/lib/env";
import * as control from "@/sandbox/client";
import { startHarness, uid, type Harness } from "@/test/harness";
import { listCustomerRecovery, recoveryOptions, runRecoveryAction } from "./recovery";
import { admin, resetRecoveryEnv, seedRecoveryCustomer } from "./recovery-fixture";

describe("card-update link through Intercom", () => {
  let hi: Harness;
  beforeAll(async () => {
    hi = await startHarness({ supportProvider: "intercom" });
  });
  afterAll(() => hi?.close());
  beforeEach(async () => {
    resetRecoveryEnv();
    await hi.sandbox.reset();
  });

  const run = (appUserId: string, origin?: string) =>
    runRecoveryAction(hi.db, admin, { appUserId, kind: "card_update_link", origin }, hi.services);
  const ic = () => hi.sandbox.intercom.service;
  const messagePosts = async () =>
    (await control.requests(hi.sandbox.intercom, { path: "/messages" })).filter((r) => r.method === "POST");

  it("emails the open invoice's page from the admin to a new, linked contact, once per double call", async () => {
    const c = await seedRecoveryCustomer(hi);
    const first = await run(c.appUserId);
    expect(first).toMatchObject({ ok: true, repeated: false, action: { status: "succeeded", sent: true } });
    if (!first.ok) throw new Error("unreachable");
    expect(first.action.summary).toBe(
      `Card-update link (the open invoice's payment page) sent to ${c.email} through Intercom`,
    );

    // The contact was made from the app user (external_id) and linked to the customer.
    const contact = [...ic().contacts.values()].find((x) => x.external_id === c.appUserId);
    expect(contact).toMatchObject({ email: c.email, role: "user" });
    expect(await identityOf(hi.db, c.customer.id, "intercom")).toBe(contact!.id);

    // One admin-initiated email, opening a conversation whose source is the message.
    expect(ic().messages.size).toBe(1);
    const [message] = [...ic().messages.values()];
    expect(message).toMatchObject({
      type: "admin_message",
      message_type: "email",
      subject: "Update your payment method",
      to: { type: "user", id: contact!.id },
      template: "plain",
    });
    const conversation = ic().conversations.get(message!.conversation_id!);
    expect(conversation).toMatchObject({
      source: { id: message!.id, delivered_as: "admin_initiated", author: { type: "admin", id: "991" } },
      contacts: { contacts: [{ id: contact!.id }] },
    });
    expect(conversation!.source.body).toContain(`https://invoice.stripe.com/i/sandbox/${c.inv}`);
    expect(conversation!.source.body).toMatch(/Reference: RCV-[0-9A-F]{10}/);
    expect(first.action).toMatchObject({
      externalRef: conversation!.id,
      result: { provider: "intercom", email: c.email, contactId: contact!.id, messageId: message!.id },
    });
    const [post] = await messagePosts();
    expect(post!.body).toMatchObject({
      message_type: "email",
      subject: "Update your payment method",
      template: "plain",
      from: { type: "admin", id: 991 },
      to: { type: "user", id: contact!.id },
      create_conversation_without_contact_reply: true,
    });

    const again = await run(c.appUserId);
    expect(again).toMatchObject({ ok: true, repeated: true, action: { id: first.action.id, status: "succeeded" } });
    expect(ic().messages.size).toBe(1);
    expect(await messagePosts()).toHaveLength(1);
    const rows = await hi.db.select().from(recoveryActions).where(eq(recoveryActions.customerId, c.customer.id));
    expect(rows).toHaveLength(1);
  });

  it("sends to the customer's linked Intercom contact, with our signed link when the portal is on", async () => {
    process.env.BILLING_PORTAL_RETURN_URL = "https://example.com/account";
    resetEnvCache();
    const c = await seedRecoveryCustomer(hi);
    const linked = await hi.services.intercom.ensureContact({ appUserId: uid("other"), email: "ann@work.example" });
    await linkIdentity(hi.db, c.customer.id, "intercom", linked.id, "manual");
    const result = await run(c.appUserId, "https://ops.example.com");
    expect(result).toMatchObject({
      ok: true,
      action: {
        status: "succeeded",
        summary: "Card-update link sent to ann@work.example through Intercom",
        result: { linkKind: "portal", contactId: linked.id, email: "ann@work.example" },
      },
    });
    const [message] = [...ic().messages.values()];
    expect(message!.to.id).toBe(linked.id);
    const token = /https:\/\/ops\.example\.com\/api\/billing\/recover\/([^\s"<]+)/.exec(message!.body)?.[1];
    expect(token).toBeTruthy();
    expect(verifyRecoveryToken(token!)).toMatchObject({ ok: true, customerId: c.customer.id });
    // The link is a credential: the row does not keep it.
    expect(JSON.stringify(result.ok && result.action.result)).not.toContain(token!);
    // No second contact was made for the customer's own email.
    expect([...ic().contacts.values()].filter((x) => x.email === c.email)).toHaveLength(0);
  });

  it("after an answer lost to a reset socket, the next try finds the email instead of sending it again", async () => {
    const c = await seedRecoveryCustomer(hi);
    await control.fault(hi.sandbox.intercom, { method: "POST", path: "/messages", kind: "reset", process: true });
    const lost = await run(c.appUserId);
    expect(lost).toMatchObject({ ok: true, action: { status: "failed", sent: false } });
    if (!lost.ok) throw new Error("unreachable");
    expect(lost.action.error).toMatch(/^Intercom: network: /);
    expect(ic().messages.size).toBe(1); // it did go out

    const retried = await run(c.appUserId);
    expect(retried).toMatchObject({ ok: true, repeated: false, action: { status: "succeeded", sent: true } });
    if (!retried.ok) throw new Error("unreachable");
    expect(ic().messages.size).toBe(1);
    expect(await messagePosts()).toHaveLength(1);
    const [message] = [...ic().messages.values()];
    expect(retried.action.externalRef).toBe(message!.conversation_id);
    expect(retried.action.summary).toBe(
      `Card-update link (the open invoice's payment page) sent to ${c.email} through Intercom`,
    );
  });

  it("records an Intercom 500 in plain words (nothing sent), and a later try sends once", async () => {
    const c = await seedRecoveryCustomer(hi);
    await control.fault(hi.sandbox.intercom, { method: "POST", path: "/messages", status: 500 });
    const failed = await run(c.appUserId);
    expect(failed).toMatchObject({ ok: true, action: { status: "failed", sent: false } });
    if (!failed.ok) throw new Error("unreachable");
    expect(failed.action.error).toBe("Intercom (500): Something went wrong (sandbox fault)");
    expect(failed.action.summary).toMatch(/^Card-update link not sent: Intercom \(500\)/);
    expect(ic().messages.size).toBe(0);

    const retried = await run(c.appUserId);
    expect(retried).toMatchObject({ ok: true, repeated: false, action: { status: "succeeded" } });
    expect(ic().messages.size).toBe(1);
    const again = await run(c.appUserId);
    expect(again).toMatchObject({ ok: true, repeated: true });
    expect(ic().messages.size).toBe(1);
    expect((await listCustomerRecovery(hi.db, c.appUserId)) as { actions: unknown[] }).toMatchObject({
      actions: [{ status: "succeeded" }, { status: "failed" }],
    });
  });

  it("refuses (409) without an email or a linked Intercom contact", async () => {
    const c = await seedRecoveryCustomer(hi, { email: null });
    expect(await run(c.appUserId)).toMatchObject({
      ok: false,
      status: 409,
      error: expect.stringContaining("no linked Intercom contact"),
    });
    const { options } = await recoveryOptions(hi.db, c.customer, hi.services);
    expect(options.card_update_link).toMatchObject({ available: false });
    expect(ic().messages.size).toBe(0);
  });
});
