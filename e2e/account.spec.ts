// Accounts people manage, in a real browser: a new user changes their password (keyboard only), signs out and
// back in with it; an owner's reset gives a temporary password that sends the user to the Account page.
import { test, expect, type Browser, type Page } from "@playwright/test";
import { OWNER_STATE } from "./fixtures";
import { uniqueId } from "./seed";

test.use({ storageState: OWNER_STATE });

async function addUser(page: Page, email: string, password: string) {
  await page.goto("/users");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Temporary password").fill(password);
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.locator(`tr[data-email="${email}"]`)).toBeVisible();
}

async function signInFresh(browser: Browser, email: string, password: string) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  return { context, page };
}

test("a user changes their password from the keyboard, signs out and signs in with the new one", async ({
  page,
  browser,
}) => {
  const email = `${uniqueId("pw")}@example.test`.toLowerCase();
  await addUser(page, email, "first-password-123");
  const { context, page: user } = await signInFresh(browser, email, "first-password-123");
  await expect(user.getByRole("heading", { name: "Overview" })).toBeVisible();
  await user.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Account" }).click();
  await expect(user.getByRole("heading", { level: 1, name: "Account" })).toBeVisible();
  await expect(user.locator('tr[data-session="current"]')).toContainText("This session");
  await user.getByLabel("Current password").fill("first-password-123");
  await user.keyboard.press("Tab");
  await user.keyboard.type("second-password-456");
  await user.keyboard.press("Tab");
  await user.keyboard.type("second-password-456");
  await user.keyboard.press("Enter");
  await expect(user.getByRole("status").filter({ hasText: "Password changed." }).first()).toBeVisible();
  await user.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(user).toHaveURL(/\/sign-in/);
  await context.close();

  const old = await signInFresh(browser, email, "first-password-123");
  await expect(old.page.locator("form").getByRole("alert")).toHaveText("Wrong email or password.");
  await old.context.close();
  const again = await signInFresh(browser, email, "second-password-456");
  await expect(again.page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await again.context.close();
});

test("an owner's reset ends the user's session and sends them to the Account page with a temporary password", async ({
  page,
  browser,
}) => {
  const email = `${uniqueId("reset")}@example.test`.toLowerCase();
  await addUser(page, email, "before-reset-123");
  const before = await signInFresh(browser, email, "before-reset-123");
  await expect(before.page.getByRole("heading", { name: "Overview" })).toBeVisible();

  await page.reload();
  const row = page.locator(`tr[data-email="${email}"]`);
  await expect(row).toContainText("1 open");
  await row.getByRole("button", { name: `Reset the password of ${email}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Reset password" }).click();
  const temporary = (await page.getByTestId("temporary-password").textContent())?.trim() ?? "";
  expect(temporary).toMatch(/^[A-Za-z2-9]{18}$/);
  await page.getByRole("dialog").getByRole("button", { name: "Done" }).click();

  // Their open session ended at once.
  await before.page.goto("/customers");
  await expect(before.page).toHaveURL(/\/sign-in/);
  await before.context.close();

  const after = await signInFresh(browser, email, temporary);
  await expect(after.page).toHaveURL(/\/account$/);
  await expect(after.page.getByText("Choose your own password to continue.")).toBeVisible();
  await after.page.goto("/events");
  await expect(after.page).toHaveURL(/\/account$/);
  await after.page.getByLabel("Temporary password").fill(temporary);
  await after.page.getByLabel("New password", { exact: true }).fill("my-own-password-789");
  await after.page.getByLabel("New password again").fill("my-own-password-789");
  await after.page.getByRole("button", { name: "Change password" }).click();
  await expect(after.page.getByRole("status").filter({ hasText: "Password changed." }).first()).toBeVisible();
  await after.page.goto("/events");
  await expect(after.page.getByRole("heading", { level: 1, name: "Events" })).toBeVisible();
  await after.context.close();
});
