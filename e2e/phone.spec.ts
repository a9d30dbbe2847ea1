// Phones (390 px wide): the sidebar folds into a menu button; the menu opens as a sheet, navigates and
// closes; tables scroll sideways inside their box with the key column pinned, never the whole page.
import { test, expect } from "@playwright/test";
import { CONSOLE_PAGES, OWNER_STATE } from "./fixtures";
import { eventually, postApp, seedCustomer, uniqueId } from "./seed";

test.use({ storageState: OWNER_STATE, viewport: { width: 390, height: 844 }, hasTouch: true });

test.beforeAll(async () => {
  await seedCustomer();
});

test("the navigation is collapsed behind a menu button that opens, navigates and closes", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  // The sidebar's navigation is not shown; the menu button is.
  await expect(page.getByRole("complementary")).toBeHidden();
  const menu = page.getByRole("button", { name: "Open menu" });
  await expect(menu).toBeVisible();
  await menu.click();
  const sheet = page.getByRole("dialog", { name: "Founder Ops" });
  await expect(sheet).toBeVisible();
  await sheet.getByRole("link", { name: "Alerts" }).click();
  await expect(page).toHaveURL(/\/alerts$/);
  await expect(page.getByRole("heading", { level: 1, name: "Alerts" })).toBeVisible();
  await expect(sheet).toBeHidden();
  // Escape closes it too and gives focus back to the menu button.
  await menu.click();
  await expect(sheet).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(sheet).toBeHidden();
  await expect(menu).toBeFocused();
});

test("no page is wider than the phone, at 390 and at 320 px", async ({ page }) => {
  test.setTimeout(240_000);
  for (const width of [390, 320]) {
    await page.setViewportSize({ width, height: 800 });
    for (const { path, heading } of CONSOLE_PAGES) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} at ${width} px is ${overflow} px too wide`).toBeLessThanOrEqual(0);
      if (width === 390)
        await page.screenshot({
          path: `e2e/screenshots/phone${path === "/" ? "-overview" : path.replace("/", "-")}.png`,
        });
    }
  }
});

test("a table scrolls inside its box with the key column pinned, and its rows still open", async ({ page }) => {
  await page.goto("/events");
  const box = page.locator("table").first().locator("xpath=..");
  const scroll = await box.evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
  expect(scroll.scroll).toBeGreaterThan(scroll.client);
  const firstLink = page.locator("tbody a").first();
  await box.evaluate((el) => el.scrollBy({ left: 300 }));
  expect(await box.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  // Pinned: after scrolling, the key column's link still sits at the box's left edge, in view (a checkbox
  // column before it may scroll away underneath).
  const container = await box.boundingBox();
  const link = await firstLink.boundingBox();
  expect(link!.x).toBeGreaterThanOrEqual(container!.x);
  expect(link!.x).toBeLessThan(container!.x + 60);
  await firstLink.click();
  await expect(page).toHaveURL(/\/events\/[0-9a-f-]+$/);
});

test("the erasures list is one card per erasure: status and systems visible, a receipt one tap away", async ({
  page,
}) => {
  const userId = uniqueId("leaving");
  expect(
    (await postApp("user.signed_up", { userId, email: `${userId}@example.com`, name: "Leaving Person" })).status,
  ).toBe(200);
  expect(
    (await postApp("user.deleted", { userId, requestedAt: new Date().toISOString(), reason: "Closed the account" }))
      .status,
  ).toBe(200);
  const card = page.locator("li[data-erasure-card]").filter({ hasText: "Closed the account" }).first();
  await eventually(async () => {
    await page.goto("/erasures");
    await expect(card).toBeVisible({ timeout: 1000 });
  });
  // No table on a phone: the card carries what the table's columns say, inside the screen.
  await expect(page.locator("table")).toBeHidden();
  await expect(card.getByText(/^(Running|Completed|Failed)$/)).toBeVisible();
  const box = await card.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await card.getByRole("link", { name: "Receipt →" }).click();
  await expect(page).toHaveURL(/\/erasures\/[0-9a-f-]+$/);
});

test("the audit log is one card per entry: what, when, who, the details in words, inside the screen", async ({
  page,
}) => {
  await page.goto("/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  const cards = page.locator("li[data-row-card]");
  await expect(cards.first()).toBeVisible();
  // No table on a phone, and nothing wider than the screen.
  await expect(page.locator("table")).toBeHidden();
  for (const card of (await cards.all()).slice(0, 5)) {
    const box = await card.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await expect(card.locator("[data-audit-card]")).toBeVisible();
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "e2e/screenshots/phone-audit-cards.png", fullPage: true });
});
