// The global search: ⌘K / Ctrl+K opens the palette anywhere in the console; a customer is found by name,
// email or Stripe id and an event by its id; Enter opens the page; Escape closes and gives focus back.
import { test, expect } from "@playwright/test";
import { OWNER_STATE } from "./fixtures";
import { eventually, postApp, uniqueId } from "./seed";

test.use({ storageState: OWNER_STATE });

test("Ctrl+K finds a customer by name and an event by its id", async ({ page }) => {
  const userId = uniqueId("srch");
  const eventId = uniqueId("app_evt");
  expect(
    (await postApp("user.signed_up", { userId, email: `${userId}@example.com`, name: "Sophie Germain" }, eventId))
      .status,
  ).toBe(200);
  await eventually(async () => {
    const res = await page.request.get(`/api/admin/search?q=${userId}`);
    expect(((await res.json()) as { customers: unknown[] }).customers).toHaveLength(1);
  });

  await page.goto("/events");
  await page.keyboard.press("Control+k");
  const dialog = page.getByRole("dialog", { name: "Search customers and events" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("combobox").fill(userId);
  const option = dialog.getByRole("option", { name: /Sophie Germain/ });
  await expect(option).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/search-palette.png" });
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/customers/${userId}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Sophie Germain" })).toBeVisible();

  await page.keyboard.press("Control+k");
  await dialog.getByRole("combobox").fill(eventId);
  await dialog.getByRole("option", { name: /user\.signed_up/ }).click();
  await expect(page).toHaveURL(/\/events\/[0-9a-f-]{36}$/);

  await page.keyboard.press("Control+k");
  await dialog.getByRole("combobox").fill("no-such-person-anywhere");
  await expect(dialog).toContainText("Nothing found");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});
