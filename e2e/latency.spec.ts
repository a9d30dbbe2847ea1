// The Latency page: a customer's events run through the pipeline, their steps show per handler with the step in
// words, the window switch moves through 1 h / 24 h / 7 d in the URL, and a step links to its handler's events.
import { test, expect } from "@playwright/test";
import { OWNER_STATE } from "./fixtures";
import * as control from "../sandbox/client";
import { eventually, postApp, sandboxUrls, seedCustomer, uniqueId } from "./seed";

test.use({ storageState: OWNER_STATE });

test("shows each handler's steps with p50/p95 and switches windows through the URL", async ({ page }) => {
  await seedCustomer();
  await page.goto("/latency");
  await expect(page.getByRole("heading", { level: 1, name: "Latency" })).toBeVisible();
  const table = page.getByRole("table", { name: /Step latency per handler and step/ });
  const row = table
    .getByRole("row")
    .filter({ hasText: "user.signed_up" })
    .filter({ hasText: "Upsert the HubSpot contact" });
  await eventually(async () => {
    await page.reload();
    await expect(row).toBeVisible({ timeout: 1_000 });
  }, 20_000);
  await expect(row.getByRole("cell").nth(4)).toHaveText(/^\d[\d,.]* (ms|s)$/); // p50
  await expect(page.getByRole("img", { name: /Line chart of the p95 duration/ })).toBeVisible();
  const windows = page.getByRole("navigation", { name: "Time window" });
  await expect(windows.getByRole("link", { name: "24 hours" })).toHaveAttribute("aria-current", "page");

  await windows.getByRole("link", { name: "1 hour" }).click();
  await expect(page).toHaveURL(/\/latency\?window=1h$/);
  await expect(windows.getByRole("link", { name: "1 hour" })).toHaveAttribute("aria-current", "page");
  await expect(row).toBeVisible();
  await expect(page.getByText(/attempts? in the last hour/)).toBeVisible();

  await windows.getByRole("link", { name: "7 days" }).click();
  await expect(page).toHaveURL(/\/latency\?window=7d$/);
  await expect(page.getByText(/attempts? in the last 7 days/)).toBeVisible();

  // An unknown window shows the default rather than an error.
  await page.goto("/latency?window=2y");
  await expect(windows.getByRole("link", { name: "24 hours" })).toHaveAttribute("aria-current", "page");

  // The step opens its handler's events of the window.
  await row.getByRole("link", { name: "Upsert the HubSpot contact" }).click();
  await expect(page).toHaveURL(/\/events\?type=user\.signed_up&from=/);
  await expect(page.getByRole("heading", { level: 1, name: "Events" })).toBeVisible();
});

test("screenshots: a slow HubSpot marks its step over the threshold (light, dark, phone)", async ({ page }) => {
  // Three signups while HubSpot answers in 700 ms: "Upsert the HubSpot contact" passes 500 ms at p95.
  await control.fault(sandboxUrls().hubspot, {
    kind: "latency",
    latencyMs: 700,
    path: "/crm/v3/objects/contacts/batch/upsert",
    times: 3,
  });
  for (let i = 0; i < 3; i++) {
    const userId = uniqueId("slow");
    await postApp("user.signed_up", { userId, email: `${userId}@example.com` });
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/latency?window=1h");
  const slow = page
    .getByRole("row")
    .filter({ hasText: "user.signed_up" })
    .filter({ hasText: /over 500 ms/ });
  await eventually(async () => {
    await page.reload();
    await expect(slow).toBeVisible({ timeout: 1_000 });
  }, 20_000);
  await expect(page.getByText(/Over 500 ms at p95: .*Upsert the HubSpot contact/)).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/latency-light.png", fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "e2e/screenshots/latency-dark.png", fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.screenshot({ path: "e2e/screenshots/latency-phone.png", fullPage: true });
});
