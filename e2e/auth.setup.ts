// Signs in once as the owner and saves the session for the specs that need one.
import { test as setup, expect } from "@playwright/test";
import { OWNER, OWNER_STATE } from "./fixtures";

setup("sign in as the owner", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.context().storageState({ path: OWNER_STATE });
});
