// The overview's "Needs attention": a failed HubSpot sync shows with its customer's name, the failed step in
// words, the error in a sentence with the raw text one click away, and its one action; Replay fixes it and it
// leaves the list. (The all-clear state is tested on its query, db/queries/needs-attention.test.ts: this
// suite shares one database with specs that leave problems open on purpose.)
import { test, expect } from "@playwright/test";
import { OWNER_STATE } from "./fixtures";
import { eventually, failHubspot, healHubspot, postApp, seedCustomer, settled } from "./seed";

test.use({ storageState: OWNER_STATE });
test.afterEach(() => healHubspot());

const attention = (page: import("@playwright/test").Page) =>
  page.getByRole("region", { name: /Needs attention|All clear/ });

test("a failed HubSpot sync is listed in words with Replay, and leaves the list once replayed", async ({ page }) => {
  // The customer first, with nothing failing; then one profile change whose HubSpot write fails. The fault
  // stays until healed (a one-time fault can be used up by a batch-mate and retried away), and nothing else
  // is in flight while it is on (settled).
  const customer = await seedCustomer();
  await settled();
  await failHubspot("always");
  await postApp("user.updated", { userId: customer.appUserId, name: "Grace Hopper" });
  await page.goto("/");
  const item = page.getByTestId("attention-item").filter({ hasText: customer.appUserId });
  await eventually(async () => {
    await page.reload();
    await expect(item).toBeVisible({ timeout: 1_000 });
  }, 20_000);
  await expect(attention(page).getByRole("heading", { name: /Needs attention/ })).toBeVisible();
  // Who (name first, id second), which system, what went wrong in words, since when.
  await expect(item).toContainText("Grace Hopper");
  await expect(item).toContainText(/HubSpot contact failed in HubSpot/);
  await expect(item).toContainText("HubSpot rejected the data we sent as invalid.");
  await expect(item).toContainText(/received (just now|.+ ago)/);
  // The raw error is one click away, not on screen.
  const raw = item.getByText("Property values were not valid (injected by the test)");
  await expect(raw).toBeHidden();
  await item.getByText("Raw error", { exact: true }).click();
  await expect(raw).toBeVisible();
  await expect(item.getByRole("link", { name: "Open the event" })).toHaveAttribute("href", /^\/events\/[0-9a-f-]{36}$/);
  await page.screenshot({ path: "e2e/screenshots/overview-needs-attention.png", fullPage: true });

  await healHubspot();
  await item.getByRole("button", { name: /^Replay: user\.updated of Grace Hopper/ }).click();
  await expect(page.getByText("Replayed: the event succeeded.")).toBeVisible();
  await expect(item).toHaveCount(0);
});

test("every overview figure links to the rows it counts", async ({ page }) => {
  await page.goto("/");
  const figures = page.getByRole("region", { name: "Health figures" }).getByRole("link");
  const count = await figures.count();
  expect(count).toBeGreaterThan(5);
  for (let i = 0; i < count; i++) {
    const link = figures.nth(i);
    const label = (await link.locator("span").first().textContent()) ?? "";
    const value = Number(((await link.locator("span").nth(1).textContent()) ?? "").replaceAll(",", ""));
    const href = (await link.getAttribute("href")) ?? "";
    if (!href.startsWith("/events?")) continue;
    // The events list behind the figure has exactly as many rows as the figure says (admin API, same filters).
    const res = await page.request.get(`/api/admin/events?${href.slice("/events?".length)}`);
    expect(res.status(), label).toBe(200);
    expect(((await res.json()) as { total: number }).total, `${label} → ${href}`).toBe(value);
  }
});
