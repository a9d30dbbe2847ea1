// Payment recovery against the sandboxes with the real SDKs: the card-update link through Zendesk (a public
// agent-authored ticket to the requester), retry payment (paid, or a card decline recorded), resend receipt;
// a double call sends once; a viewer is refused; nothing to act on is a 409. Intercom as the support tool:
// ./recovery-intercom.test.ts.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, recoveryActions } from "@/db/schema";
import { identityOf } from "@/db/queries/identities";
import { verifyRecoveryToken } from "@/lib/billing/recovery-link";
import { resetEnvCache } from "@/lib/env";
import * as control from "@/sandbox/client";
import type { StripeObject } from "@/sandbox/stripe-objects";
import type { ZendeskState } from "@/sandbox/client";
import { startHarness, type Harness } from "@/test/harness";
import { listCustomerRecovery, recoveryOptions, runRecoveryAction } from "./recovery";
import {
  admin,
  type RecoveryCustomerOptions,
  resetRecoveryEnv,
  seedRecoveryCustomer,
  viewer,
} from "./recovery-fixture";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(async () => {
  resetRecoveryEnv();
  await h.sandbox.reset();
});

const setup = (opts?: RecoveryCustomerOptions) => seedRecoveryCustomer(h, opts);

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
