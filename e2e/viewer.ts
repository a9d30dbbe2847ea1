// A viewer made on the Users page by the signed-in owner, then signed in in a browser context of its own: the
// specs that check what a viewer sees and what the server refuses them.
import { expect, type Browser, type Page } from "@playwright/test";
import { uniqueId } from "./seed";

export async function signInAsNewViewer(page: Page, browser: Browser, baseURL?: string, prefix = "viewer") {
  const viewer = { email: `${uniqueId(prefix)}@example.com`.toLowerCase(), password: "viewer-temporary-pw" };
  await page.goto("/users");
  await page.getByLabel("Email").fill(viewer.email);
  await page.getByLabel("Temporary password").fill(viewer.password);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.locator(`tr[data-email="${viewer.email}"]`)).toBeVisible();
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const asViewer = await context.newPage();
  await asViewer.goto("/sign-in");
  await asViewer.getByLabel("Email").fill(viewer.email);
  await asViewer.getByLabel("Password").fill(viewer.password);
  await asViewer.getByRole("button", { name: "Sign in" }).click();
  await expect(asViewer.getByRole("heading", { name: "Overview" })).toBeVisible();
  return { context, page: asViewer };
}
