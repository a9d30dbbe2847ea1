// An event whose HubSpot step failed, then succeeded on a replay: the event page keeps both attempts of
// that step (when, how long, outcome, error) and says who replayed the second; steps are in words; the
// records the event touched link to the sandbox's own copies, never to a real zendesk.com.
import { test, expect } from "@playwright/test";
import { OWNER, OWNER_STATE } from "./fixtures";
import { failHubspot, healHubspot, postApp, uniqueId } from "./seed";

test.use({ storageState: OWNER_STATE });
test.afterEach(() => healHubspot());

const INJECTED = "Property values were not valid (injected by the test)";

test("a failed step then replayed: every attempt stays on the event page, with who replayed it", async ({ page }) => {
  await failHubspot(1);
  const userId = uniqueId("hist");
  expect(
    (await postApp("user.signed_up", { userId, email: `${userId}@example.com`, name: "Mary Somerville" })).status,
  ).toBe(200);
  // The events list finds her by name (not only by id) and shows the name first.
  await page.goto(`/events?status=failed&customer=${encodeURIComponent("Mary Somerville")}`);
  const row = page.getByRole("link", { name: /user\.signed_up/ });
  await expect(async () => {
    await page.reload();
    await expect(row).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByRole("link", { name: /Mary Somerville/ }).first()).toBeVisible();
  await row.click();

  const step = page.locator('[data-step="sync-crm"]');
  await expect(step).toHaveAttribute("data-status", "failed");
  await expect(step.getByRole("heading", { name: /Upsert the HubSpot contact/ })).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: "Upsert the HubSpot contact" })).toBeVisible();
  await expect(step.locator("[data-attempt]")).toHaveCount(1);

  await healHubspot();
  await page.getByRole("button", { name: "Replay failed steps" }).click();
  await expect(page.getByText("Failed steps replayed: the event succeeded")).toBeVisible({ timeout: 20_000 });
  await expect(step).toHaveAttribute("data-status", "succeeded");

  const attempts = step.locator("[data-attempt]");
  await expect(attempts).toHaveCount(2);
  await expect(attempts.nth(0)).toHaveAttribute("data-status", "failed");
  await expect(attempts.nth(0)).toContainText("on arrival");
  await expect(attempts.nth(0)).toContainText(INJECTED);
  await expect(attempts.nth(1)).toHaveAttribute("data-status", "succeeded");
  await expect(attempts.nth(1)).toContainText(`replayed by ${OWNER.email}`);
  await expect(attempts.nth(1)).toContainText(/took \d/);

  // The contact the replay made links to the HubSpot sandbox's record.
  const records = page.getByRole("region", { name: "Records in other tools" });
  const contact = records.getByRole("link", { name: /HubSpot contact/ });
  await expect(contact).toHaveAttribute("href", /^http:\/\/127\.0\.0\.1:\d+\/crm\/v3\/objects\/contacts\//);
  for (const href of await page.locator("a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? "")))
    expect(href).not.toMatch(/zendesk\.com/);
  await page.screenshot({ path: "e2e/screenshots/event-attempt-history.png", fullPage: true });
});
