// Payment recovery in a real browser: an admin sends the card-update link from the customer page (keyboard
// only) and sees it recorded with the Zendesk ticket; a viewer sees the history without buttons, and the
// admin API refuses the viewer's session with 403.
import { test, expect } from "@playwright/test";
import * as control from "../sandbox/client";
import type { ZendeskState } from "../sandbox/client";
import { OWNER, OWNER_STATE } from "./fixtures";
import { eventually, postStripe, sandboxUrls, seedCustomer, uniqueId } from "./seed";
import { signInAsNewViewer } from "./viewer";

test.use({ storageState: OWNER_STATE });

test("an admin sends a card-update link; a viewer sees it recorded, without buttons, and gets 403 from the API", async ({
  page,
  browser,
  baseURL,
}) => {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  const seeded = await seedCustomer();
  const inv = uniqueId("in");
  await control.seed(sandboxUrls().stripe, [
    { object: "invoice", id: inv, customer: seeded.stripeCustomerId, amount_due: 1900, currency: "usd" },
  ]);
  // The support request linked the customer's Zendesk user; then the renewal fails.
  await eventually(async () => {
    const res = await page.request.get(`/api/admin/customers/${seeded.appUserId}`);
    const body = (await res.json()) as { identities?: { system: string }[] };
    expect(body.identities?.map((i) => i.system)).toEqual(expect.arrayContaining(["stripe", "zendesk"]));
  });
  await postStripe("invoice.payment_failed", {
    id: inv,
    object: "invoice",
    customer: seeded.stripeCustomerId,
    amount_due: 1900,
    currency: "usd",
    attempt_count: 1,
    billing_reason: "subscription_cycle",
    next_payment_attempt: Math.floor(Date.now() / 1000) + 3 * 86400,
    hosted_invoice_url: `https://invoice.stripe.com/i/sandbox/${inv}`,
    parent: { type: "subscription_details", subscription_details: { subscription: seeded.subscriptionId } },
  });

  const card = page.getByRole("region", { name: "Recover payment" });
  await eventually(async () => {
    await page.goto(`/customers/${seeded.appUserId}`);
    await expect(card).toContainText(`Open invoice ${inv} for 19.00 USD`, { timeout: 1_000 });
  });
  await expect(card.getByRole("button", { name: "Retry payment now" })).toBeEnabled();
  const resend = card.getByRole("button", { name: "Resend receipt" });
  await expect(resend).toBeDisabled();
  await expect(card).toContainText("No paid charge in Stripe for this customer.");

  const send = card.getByRole("button", { name: "Send card-update link" });
  await send.focus();
  await page.keyboard.press("Enter");
  const sentText = new RegExp(
    `Card-update link \\(the open invoice's payment page\\) sent to ${seeded.email} through Zendesk, ticket #\\d+`,
  );
  await expect(card.getByRole("status")).toHaveText(sentText);
  const history = card.getByRole("list", { name: "Recovery history" });
  await expect(history.getByRole("listitem")).toHaveCount(1);
  await expect(history).toContainText(sentText);
  await expect(history).toContainText(`by ${OWNER.email}`);
  await page.screenshot({ path: "e2e/screenshots/customer-recovery.png", fullPage: true });

  const zendesk = await control.state<ZendeskState>(sandboxUrls().zendesk);
  const ticket = zendesk.tickets.find(
    (t) => t.subject === "Update your payment method" && String(t.external_id).includes(inv),
  );
  expect(ticket?.comments[0]).toMatchObject({ public: true });
  expect(ticket?.comments[0]?.body).toContain(`https://invoice.stripe.com/i/sandbox/${inv}`);

  // A viewer: the same history, no buttons; the admin API refuses their session.
  const { context, page: asViewer } = await signInAsNewViewer(page, browser, baseURL);
  await asViewer.goto(`/customers/${seeded.appUserId}`);
  const viewerCard = asViewer.getByRole("region", { name: "Recover payment" });
  await expect(viewerCard.getByRole("list", { name: "Recovery history" })).toContainText(sentText);
  for (const name of ["Send card-update link", "Retry payment now", "Resend receipt"])
    await expect(viewerCard.getByRole("button", { name })).toHaveCount(0);
  const refused = await context.request.post(`/api/admin/customers/${seeded.appUserId}/recovery`, {
    data: { action: "card_update_link" },
  });
  expect(refused.status()).toBe(403);
  const listed = await context.request.get(`/api/admin/customers/${seeded.appUserId}/recovery`);
  expect(listed.status()).toBe(200);
  expect(((await listed.json()) as { actions: unknown[] }).actions).toHaveLength(1);
  await context.close();
  expect(errors).toEqual([]);
});
