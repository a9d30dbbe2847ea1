// Dark mode: the system preference by default, a Light/Dark/System choice in the navigation that
// survives a reload and a new page, and System going back to following the preference.
import { test, expect } from "@playwright/test";
import { OWNER_STATE } from "./fixtures";

test.use({ storageState: OWNER_STATE });

const html = (page: import("@playwright/test").Page) => page.locator("html");
const themeGroup = (page: import("@playwright/test").Page) =>
  page.getByRole("complementary").getByRole("group", { name: "Theme" });

test("follows the system preference until a theme is chosen", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/");
  await expect(html(page)).toHaveClass(/\bdark\b/);
  // The page itself turns dark: the body's background is a dark surface, its text light.
  const bodyBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bodyBg).not.toBe("rgb(248, 250, 252)");
  await page.emulateMedia({ colorScheme: "light" });
  await expect(html(page)).not.toHaveClass(/\bdark\b/);
  await expect(themeGroup(page).getByRole("button", { name: "System" })).toHaveAttribute("aria-pressed", "true");
});

test("the toggle switches the theme, and the choice persists across reloads and pages", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  await expect(html(page)).not.toHaveClass(/\bdark\b/);
  await themeGroup(page).getByRole("button", { name: "Dark" }).click();
  await expect(html(page)).toHaveClass(/\bdark\b/);
  await expect(themeGroup(page).getByRole("button", { name: "Dark" })).toHaveAttribute("aria-pressed", "true");

  await page.reload();
  await expect(html(page)).toHaveClass(/\bdark\b/);
  await page.goto("/events");
  await expect(html(page)).toHaveClass(/\bdark\b/);
  await page.screenshot({ path: "e2e/screenshots/events-dark.png", fullPage: true });

  // A chosen theme wins over the system's.
  await page.emulateMedia({ colorScheme: "light" });
  await expect(html(page)).toHaveClass(/\bdark\b/);

  await themeGroup(page).getByRole("button", { name: "Light" }).click();
  await expect(html(page)).not.toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(html(page)).not.toHaveClass(/\bdark\b/);

  // Back to System: the preference rules again.
  await themeGroup(page).getByRole("button", { name: "System" }).click();
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(html(page)).toHaveClass(/\bdark\b/);
});

test("the display time zone defaults to the browser's and a chosen one is remembered", async ({ browser }) => {
  const context = await browser.newContext({ storageState: OWNER_STATE, timezoneId: "Asia/Tokyo" });
  const page = await context.newPage();
  await page.goto("/account");
  const zone = page.getByLabel("Time zone");
  await expect(zone).toHaveValue("");
  await expect(zone.locator("option").first()).toHaveText("Browser's time zone (Asia/Tokyo)");
  await expect(page.getByTestId("time-zone-preview")).toContainText("GMT+9");
  await zone.selectOption("America/New_York");
  await expect(page.getByTestId("time-zone-preview")).toContainText(/GMT-[45]/);
  await page.reload();
  await expect(page.getByLabel("Time zone")).toHaveValue("America/New_York");
  await page.getByLabel("Time zone").selectOption("");
  await expect(page.getByTestId("time-zone-preview")).toContainText("GMT+9");
  await context.close();
});
