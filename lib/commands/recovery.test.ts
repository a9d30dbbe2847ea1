// Payment recovery against the sandboxes with the real SDKs: the card-update link through Zendesk (a public
// agent-authored ticket to the requester), retry payment (paid, or a card decline recorded), resend receipt;
// a double call sends once; a viewer is refused; nothing to act on is a 409. With Intercom as the support tool
// (its own harness), the link goes as an admin email to the customer's contact, once, even after a lost answer.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { alerts, auditLog, recoveryActions } from "@/db/schema";
import { identityOf, linkIdentity, upsertAppCustomer } from "@/db/queries/identities";
import type { Actor } from "@/lib/auth/roles";
import { verifyRecoveryToken } from "@/lib/billing/recovery-link";
import { resetEnvCache } from "@/lib/env";
import * as control from "@/sandbox/client";
import type { StripeObject } from "@/sandbox/stripe-objects";
import type { ZendeskState } from "@/sandbox/client";
import { startHarness, uid, type Harness } from "@/test/harness";
import { listCustomerRecovery, recoveryOptions, runRecoveryAction } from "./recovery";

const admin: Actor = { id: null, email: "founder@example.com", role: "admin", via: "session" };
const viewer: Actor = { id: null, email: "viewer@example.com", role: "viewer", via: "session" };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(async () => {
  delete process.env.BILLING_PORTAL_RETURN_URL;
  resetEnvCache();
  await h.sandbox.reset();
});

/** A customer linked to Stripe, with (optionally) an open failed invoice and a paid charge in the sandbox. */
async function setup(opts: { failedInvoice?: boolean; charge?: boolean; email?: string | null } = {}, on: Harness = h) {
  const appUserId = uid("u");
  const email = opts.email === undefined ? `${appUserId}@example.com` : opts.email;
  const cus = uid("cus");
  const inv = uid("in");
  const ch = uid("ch");
  const customer = await upsertAppCustomer(on.db, { appUserId, email: email ?? undefined, name: "Ann Example" });
  await linkIdentity(on.db, customer.id, "stripe", cus, "id");
  const objects: Record<string, unknown>[] = [{ object: "customer", id: cus, email }];
  if (opts.failedInvoice !== false) {
    objects.push({ object: "invoice", id: inv, customer: cus, amount_due: 1900, currency: "eur", status: "open" });
    await on.db.insert(alerts).values({
      kind: "billing",
      dedupeKey: `payment_failed:${inv}`,
      title: `Payment failed for ${appUserId}`,
      customerId: customer.id,
      details: {
        invoice: inv,
        amountDue: 1900,
        currency: "eur",
        hostedInvoiceUrl: `https://invoice.stripe.com/i/sandbox/${inv}`,
      },
    });
  }
  if (opts.charge)
    objects.push({ object: "charge", id: ch, customer: cus, amount: 1900, currency: "eur", receipt_email: null });
  await control.seed(on.sandbox.stripe, objects);
  return { appUserId, email, cus, inv, ch, customer };
}

const rowsOf = (customerId: string) =>
  h.db.select().from(recoveryActions).where(eq(recoveryActions.customerId, customerId));

describe("card-update link", () => {
  it("sends the hosted invoice through a new public Zendesk ticket to the requester, once per double call", async () => {
    const c = await setup();
    const first = await runRecoveryAction(
      h.db,
      admin,
      { appUserId: c.appUserId, kind: "card_update_link" },
      h.services,
    );
    expect(first).toMatchObject({ ok: true, repeated: false, action: { status: "succeeded", sent: true } });
    if (!first.ok) throw new Error("unreachable");
    expect(first.action.summary).toMatch(
      new RegExp(
        `^Card-update link \\(the open invoice's payment page\\) sent to ${c.email} through Zendesk, ticket #\\d+$`,
      ),
    );

    const state = await control.state<ZendeskState>(h.sandbox.zendesk);
    expect(state.tickets).toHaveLength(1);
    const [ticket] = state.tickets;
    expect(ticket).toMatchObject({
      subject: "Update your payment method",
      external_id: expect.stringMatching(/^recovery:/),
    });
    expect(ticket!.comments[0]).toMatchObject({ public: true });
    expect(ticket!.comments[0]!.body).toContain(`https://invoice.stripe.com/i/sandbox/${c.inv}`);
    // The requester was made (and linked) from the customer's email; the comment is ours (the agent's).
    const requester = state.users.find((u) => u.id === ticket!.requester_id);
    expect(requester).toMatchObject({ email: c.email });
    expect(await identityOf(h.db, c.customer.id, "zendesk")).toBe(String(requester!.id));
    const [create] = (await control.requests(h.sandbox.zendesk, { path: "/api/v2/tickets.json" })).filter(
      (r) => r.method === "POST",
    );
    expect(create!.headers["idempotency-key"]).toBe(first.action.id);
    expect((create!.body as { ticket: { comment: Record<string, unknown> } }).ticket.comment).toMatchObject({
      public: true,
      author_id: 1000,
    });

    const again = await runRecoveryAction(
      h.db,
      admin,
      { appUserId: c.appUserId, kind: "card_update_link" },
      h.services,
    );
    expect(again).toMatchObject({ ok: true, repeated: true, action: { id: first.action.id, status: "succeeded" } });
    expect((await control.state<ZendeskState>(h.sandbox.zendesk)).tickets).toHaveLength(1);
    expect(await rowsOf(c.customer.id)).toHaveLength(1);
    const audited = await h.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, c.appUserId), eq(auditLog.action, "customer.recovery_card_update_link")));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorEmail: admin.email, details: { outcome: "succeeded" } });
  });

  it("with BILLING_PORTAL_RETURN_URL sends our signed recovery link, not the invoice", async () => {
    process.env.BILLING_PORTAL_RETURN_URL = "https://example.com/account";
    resetEnvCache();
    const c = await setup();
    const result = await runRecoveryAction(
      h.db,
      admin,
      { appUserId: c.appUserId, kind: "card_update_link", origin: "https://ops.example.com" },
      h.services,
    );
    expect(result).toMatchObject({ ok: true, action: { status: "succeeded", result: { linkKind: "portal" } } });
    const [ticket] = (await control.state<ZendeskState>(h.sandbox.zendesk)).tickets;
    const link = /https:\/\/ops\.example\.com\/api\/billing\/recover\/(\S+)/.exec(ticket!.comments[0]!.body)?.[1];
    expect(link).toBeTruthy();
    expect(verifyRecoveryToken(link!)).toMatchObject({ ok: true, customerId: c.customer.id });
    // The link is a credential: the row does not keep it.
    expect(JSON.stringify(result.ok && result.action.result)).not.toContain(link!);
  });

  it("records a Zendesk failure in plain words, and a later try sends", async () => {
    const c = await setup();
    await control.fault(h.sandbox.zendesk, { method: "POST", path: "/api/v2/tickets.json", status: 422 });
    const failed = await runRecoveryAction(
      h.db,
      admin,
      { appUserId: c.appUserId, kind: "card_update_link" },
      h.services,
    );
    expect(failed).toMatchObject({ ok: true, action: { status: "failed", sent: false } });
    if (!failed.ok) throw new Error("unreachable");
    expect(failed.action.error).toMatch(/^Zendesk \(422\): /);
    expect(failed.action.summary).toMatch(/^Card-update link not sent: Zendesk \(422\)/);
    const retried = await runRecoveryAction(
      h.db,
      admin,
      { appUserId: c.appUserId, kind: "card_update_link" },
      h.services,
    );
    expect(retried).toMatchObject({ ok: true, repeated: false, action: { status: "succeeded" } });
    expect((await listCustomerRecovery(h.db, c.appUserId)) as { actions: unknown[] }).toMatchObject({
      actions: [{ status: "succeeded" }, { status: "failed" }],
    });
  });

  it("refuses (409) without an email or a Zendesk user, and without an invoice or portal", async () => {
    const noEmail = await setup({ email: null });
    expect(
      await runRecoveryAction(h.db, admin, { appUserId: noEmail.appUserId, kind: "card_update_link" }, h.services),
    ).toMatchObject({ ok: false, status: 409, error: expect.stringContaining("No support requester email") });
    const noInvoice = await setup({ failedInvoice: false });
    expect(
      await runRecoveryAction(h.db, admin, { appUserId: noInvoice.appUserId, kind: "card_update_link" }, h.services),
    ).toMatchObject({ ok: false, status: 409, error: expect.stringContaining("BILLING_PORTAL_RETURN_URL") });
  });
});

describe("retry payment", () => {
  it("pays the open invoice of the newest payment alert, once", async () => {
    const c = await setup();
    const result = await runRecoveryAction(h.db, admin, { appUserId: c.appUserId, kind: "retry_payment" }, h.services);
    expect(result).toMatchObject({
      ok: true,
      action: { status: "succeeded", stripeObjectId: c.inv, summary: `Invoice ${c.inv} paid (19.00 EUR)` },
    });
    const invoice = (await control.state(h.sandbox.stripe)) as unknown as { invoices: StripeObject[] };
    expect(invoice.invoices.find((i) => i.id === c.inv)).toMatchObject({ status: "paid", amount_paid: 1900 });
    const again = await runRecoveryAction(h.db, admin, { appUserId: c.appUserId, kind: "retry_payment" }, h.services);
    expect(again).toMatchObject({ ok: true, repeated: true });
    expect(await control.requests(h.sandbox.stripe, { path: `/v1/invoices/${c.inv}/pay` })).toHaveLength(1);
  });

  it("records a card decline", async () => {
    const c = await setup();
    await control.fault(h.sandbox.stripe, { method: "POST", path: `/v1/invoices/${c.inv}/pay`, status: 402 });
    const result = await runRecoveryAction(h.db, admin, { appUserId: c.appUserId, kind: "retry_payment" }, h.services);
    expect(result).toMatchObject({
      ok: true,
      action: { status: "failed", error: "Stripe (402): Your card was declined." },
    });
    const [row] = await rowsOf(c.customer.id);
    expect(row).toMatchObject({ status: "failed", sent: false, error: "Stripe (402): Your card was declined." });
  });

  it("answers 409 when no invoice is open", async () => {
    const c = await setup({ failedInvoice: false });
    expect(
      await runRecoveryAction(h.db, admin, { appUserId: c.appUserId, kind: "retry_payment" }, h.services),
    ).toMatchObject({ ok: false, status: 409, error: expect.stringContaining("No open invoice") });
  });
});

describe("resend receipt", () => {
  it("sets receipt_email on the newest paid charge (Stripe resends the receipt)", async () => {
    const c = await setup({ charge: true });
    const result = await runRecoveryAction(h.db, admin, { appUserId: c.appUserId, kind: "resend_receipt" }, h.services);
    expect(result).toMatchObject({
      ok: true,
      action: {
        status: "succeeded",
        stripeObjectId: c.ch,
        summary: `Receipt of charge ${c.ch} (19.00 EUR) resent to ${c.email}`,
      },
    });
    const charge = await h.services.stripe.charges.retrieve(c.ch);
    expect(charge.receipt_email).toBe(c.email);
  });

  it("answers 409 without a paid charge", async () => {
    const c = await setup();
    expect(
      await runRecoveryAction(h.db, admin, { appUserId: c.appUserId, kind: "resend_receipt" }, h.services),
    ).toMatchObject({ ok: false, status: 409, error: "No paid charge in Stripe for this customer." });
  });
});

describe("access and options", () => {
  it("refuses a viewer (403) and writes nothing; 404 for an unknown customer", async () => {
    const c = await setup();
    expect(
      await runRecoveryAction(h.db, viewer, { appUserId: c.appUserId, kind: "card_update_link" }, h.services),
    ).toMatchObject({ ok: false, status: 403 });
    expect(await rowsOf(c.customer.id)).toHaveLength(0);
    expect(
      await runRecoveryAction(h.db, admin, { appUserId: "nobody", kind: "retry_payment" }, h.services),
    ).toMatchObject({ ok: false, status: 404 });
  });

  it("says which buttons apply and why not", async () => {
    const c = await setup({ failedInvoice: false });
    const { options } = await recoveryOptions(h.db, c.customer, h.services);
    expect(options).toMatchObject({
      card_update_link: { available: false },
      retry_payment: { available: false, reason: expect.stringContaining("No open invoice") },
      resend_receipt: { available: false, reason: "No paid charge in Stripe for this customer." },
    });
    const d = await setup({ charge: true });
    expect((await recoveryOptions(h.db, d.customer, h.services)).options).toEqual({
      card_update_link: { available: true },
      retry_payment: { available: true },
      resend_receipt: { available: true },
    });
  });
});

// Last in the file: a second harness (its own sandboxes and database) whose support tool is Intercom.
describe("card-update link through Intercom", () => {
  let hi: Harness;
  beforeAll(async () => {
    hi = await startHarness({ supportProvider: "intercom" });
  });
  afterAll(() => hi?.close());
  beforeEach(async () => {
    await hi.sandbox.reset();
  });

  const run = (appUserId: string, origin?: string) =>
    runRecoveryAction(hi.db, admin, { appUserId, kind: "card_update_link", origin }, hi.services);
  const ic = () => hi.sandbox.intercom.service;
  const messagePosts = async () =>
    (await control.requests(hi.sandbox.intercom, { path: "/messages" })).filter((r) => r.method === "POST");

  it("emails the open invoice's page from the admin to a new, linked contact, once per double call", async () => {
    const c = await setup({}, hi);
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
    const c = await setup({}, hi);
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
    const c = await setup({}, hi);
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
    const c = await setup({}, hi);
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
    const c = await setup({ email: null }, hi);
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
