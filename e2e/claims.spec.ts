// A payer the app had not announced, claimed by an app user whose email is unverified: both pages say so,
// the founder confirms from the payer's page, lands on the app user, who now has the access paid for.
import { test, expect } from "@playwright/test";
import * as control from "../sandbox/client";
import { OWNER_STATE } from "./fixtures";
import { eventually, postApp, postStripe, sandboxUrls, uniqueId } from "./seed";

test.use({ storageState: OWNER_STATE });

test("owner: a payment claimed with an unverified email waits on both pages, and Confirm grants it", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  const id = uniqueId("claim");
  const email = `${id}@example.com`;
  const cus = `cus_${id}`;
  await control.seed(sandboxUrls().stripe, [
    { object: "customer", id: cus, email, metadata: {} },
    {
      object: "subscription",
      id: `sub_${id}`,
      customer: cus,
      status: "active",
      price: { id: "price_pro", lookup_key: "pro" },
      current_period_end: Math.floor(Date.now() / 1000) + 30 * 86400,
    },
  ]);
  await postStripe("checkout.session.completed", {
    id: uniqueId("cs"),
    object: "checkout.session",
    mode: "subscription",
    customer: cus,
    subscription: `sub_${id}`,
    customer_details: { email },
    payment_status: "paid",
  });
  const payerKey = `stripe:${cus}`;
  await eventually(async () => expect((await page.request.get(`/api/admin/customers/${payerKey}`)).status()).toBe(200));
  const appUserId = `usr_${id}`;
  await postApp("user.signed_up", { userId: appUserId, email, name: "Mary Jackson", emailVerified: false });
  await eventually(async () => {
    const res = await page.request.get(`/api/admin/customers/${appUserId}`);
    expect(res.status()).toBe(200);
  });

  await page.goto(`/customers/${appUserId}`);
  const waiting = page.getByRole("region", { name: "A payment waits for your confirmation" });
  await expect(waiting).toContainText(email);
  await expect(page.getByRole("region", { name: "Entitlement" })).not.toContainText("Active");

  await waiting.getByRole("link", { name: "see the payment" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${encodeURIComponent(payerKey)}$`));
  const card = page.getByRole("region", { name: "Paid, not in the app yet" });
  await expect(card).toContainText(appUserId);
  await expect(page.getByRole("region", { name: "Entitlement" })).toContainText("Active");
  await page.screenshot({ path: "e2e/screenshots/claim-to-confirm.png", fullPage: true });

  await card.getByRole("button", { name: `Confirm: it is ${appUserId}` }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${appUserId}$`));
  await expect(page.getByRole("region", { name: "Entitlement" })).toContainText("Active");
  await expect(
    page.getByRole("table", { name: /Linked identities/ }).locator('tr[data-system="stripe"]'),
  ).toContainText(cus);
  await expect(page.getByRole("region", { name: "A payment waits for your confirmation" })).toHaveCount(0);
  // The payer's old address leads to the customer it became.
  await page.goto(`/customers/${encodeURIComponent(payerKey)}`);
  await expect(page).toHaveURL(new RegExp(`/customers/${appUserId}$`));
  expect(errors).toEqual([]);
});
