// Sign-in, sign-out and the guard on console pages, in a real browser against `next start`.
import { test, expect } from "@playwright/test";
import { OWNER } from "./fixtures";

test("an unauthenticated visit to a console page lands on sign-in and returns there after", async ({ page }) => {
  await page.goto("/events?status=failed");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/events\?status=failed$/);
  await expect(page.getByRole("heading", { name: "Events" })).toBeVisible();
});

test("a wrong password shows an error and no session", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong email or password.");
  await page.goto("/customers");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("sign in with the demo credentials, see the console, sign out", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Console" });
  for (const section of ["Customers", "Events", "Alerts", "Readiness", "Audit log", "Users"]) {
    await nav.getByRole("link", { name: section }).click();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  }
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
});
