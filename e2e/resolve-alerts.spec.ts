// Alerts from the console: a failed payment (a signed Stripe webhook) opens a billing alert, which the
// owner acknowledges and then resolves from the list.
import { test, expect } from "@playwright/test";
import { OWNER, OWNER_STATE } from "./fixtures";
import { postStripe, seedCustomer, uniqueId } from "./seed";

test.use({ storageState: OWNER_STATE });

test("a billing alert is acknowledged, then resolved, with a toast each time", async ({ page }) => {
  const customer = await seedCustomer();
  const invoice = {
    id: uniqueId("in"),
    object: "invoice",
    number: "E2E-0001",
    customer: customer.stripeCustomerId,
    amount_due: 1900,
    currency: "usd",
    attempt_count: 1,
  };
  expect((await postStripe("invoice.payment_failed", invoice)).status).toBe(200);
  // Alert titles name the person, id second (emails are masked before Slack); the search finds the alert by
  // the customer's email, through the alert's customer.
  const title = `Payment failed for Grace Hopper (${customer.appUserId})`;

  await page.goto(`/alerts?q=${encodeURIComponent(customer.email)}`);
  const row = page.getByRole("row").filter({ hasText: title });
  await expect(async () => {
    await page.reload();
    await expect(row).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(row).toContainText("Open");
  await page.screenshot({ path: "e2e/screenshots/alerts-actions.png" });

  await row.getByRole("button", { name: `Acknowledge: ${title}` }).click();
  await expect(page.getByText("Alert acknowledged")).toBeVisible();
  await expect(row).toContainText("Acknowledged");
  await expect(row).toContainText(OWNER.email);
  await expect(row.getByRole("button", { name: `Acknowledge: ${title}` })).toHaveCount(0);

  await row.getByRole("button", { name: `Resolve: ${title}` }).click();
  await expect(page.getByText("Alert resolved", { exact: true })).toBeVisible();
  await expect(row).toContainText("Resolved");
  await expect(row.getByRole("button")).toHaveCount(0);
});
