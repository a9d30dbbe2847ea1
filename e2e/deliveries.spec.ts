// Rejected deliveries: a Stripe webhook signed with another secret (a rotated secret nobody updated) is refused,
// then shows on the Rejected deliveries page with what to do, and in the overview's count that links there.
import { test, expect } from "@playwright/test";
import Stripe from "stripe";
import { OWNER_STATE } from "./fixtures";
import { uniqueId } from "./seed";

test.use({ storageState: OWNER_STATE });

test("a refused Stripe delivery is listed with the fix, and counted on the overview", async ({ page, request }) => {
  const id = uniqueId("evt");
  const body = JSON.stringify({
    id,
    object: "event",
    created: Math.floor(Date.now() / 1000),
    type: "invoice.paid",
    data: { object: {} },
  });
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: "whsec_rotated_in_stripe_only" });
  const res = await request.post("/api/webhooks/stripe", {
    data: body,
    headers: { "content-type": "application/json", "stripe-signature": header },
  });
  expect(res.status()).toBe(400);
  expect(await res.json()).toMatchObject({ code: "bad_signature" });

  await page.goto("/deliveries?route=stripe&reason=bad_signature");
  await expect(page.getByRole("heading", { level: 1, name: "Rejected deliveries" })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: id });
  await expect(async () => {
    await page.reload();
    await expect(row).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(row).toContainText("Signature did not match");
  await expect(row).toContainText("STRIPE_WEBHOOK_SECRET");
  await expect(row).not.toContainText("invoice.paid"); // the body is never shown (nor stored)
  await page.screenshot({ path: "e2e/screenshots/rejected-deliveries.png", fullPage: true });

  await page.goto("/deliveries?reason=too_large");
  await expect(page.getByText("Nothing matches these filters.")).toBeVisible();

  await page.goto("/");
  const figure = page.getByRole("link", { name: /Rejected deliveries/ }).filter({ hasText: "View" });
  await expect(figure).toBeVisible();
  await figure.click();
  await expect(page).toHaveURL(/\/deliveries(\?.*)?$/);
});
