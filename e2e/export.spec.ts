// Export CSV from a filtered list: every row the filters select (not just the page), names and emails
// escaped as CSV, and a refusal shown in words in the toolbar.
import { readFile } from "node:fs/promises";
import { test, expect } from "@playwright/test";
import { OWNER_STATE } from "./fixtures";
import { eventually, postApp, uniqueId } from "./seed";
import { signInAsNewViewer } from "./viewer";

test.use({ storageState: OWNER_STATE });

test("Export CSV downloads the filtered events across pages", async ({ page }) => {
  const userId = uniqueId("exp");
  const name = 'Émilie "du Châtelet", Marquise';
  expect((await postApp("user.signed_up", { userId, email: `${userId}@example.com`, name })).status).toBe(200);
  for (let i = 0; i < 11; i++) expect((await postApp("user.updated", { userId, name })).status).toBe(200);
  await eventually(async () => {
    const res = await page.request.get(`/api/admin/events?customer=${userId}`);
    expect(((await res.json()) as { total: number }).total).toBe(12);
  });

  // Ten rows a page on screen; the export is not limited to the page shown.
  await page.goto(`/events?customer=${userId}&perPage=10`);
  await page.getByRole("button", { name: "Export CSV" }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: "e2e/screenshots/export-button.png" });
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^events-\d+\.csv$/);
  const csv = (await readFile(await download.path())).toString("utf8");
  const lines = csv.trim().split("\r\n");
  expect(lines[0]).toContain("Received,Source,Type,Status,Customer email,App user id");
  expect(lines).toHaveLength(13);
  expect(lines.filter((l) => l.includes(userId))).toHaveLength(12);

  // The customers export keeps the name whole, quotes doubled.
  const res = await page.request.get(`/api/admin/export/customers?q=${userId}`);
  expect(res.status()).toBe(200);
  expect(await res.text()).toContain('"Émilie ""du Châtelet"", Marquise"');
});

test("a viewer sees no Export CSV (exports are for admins) and the route refuses them", async ({
  page,
  browser,
  baseURL,
}) => {
  const { context, page: asViewer } = await signInAsNewViewer(page, browser, baseURL, "csvviewer");
  for (const path of ["/events", "/customers", "/audit"]) {
    await asViewer.goto(path);
    await expect(asViewer.getByRole("table").first()).toBeVisible();
    await expect(asViewer.getByRole("button", { name: "Export CSV" })).toHaveCount(0);
  }
  const res = await context.request.get("/api/admin/export/events");
  expect(res.status()).toBe(403);
  await context.close();

  // The owner still has it.
  await page.goto("/events");
  await expect(page.getByRole("button", { name: "Export CSV" })).toBeVisible();
});

test("a refused export says why in the toolbar", async ({ page }) => {
  await page.goto("/audit");
  // 10,001 rows are slow to seed through webhooks; the route's own refusal is covered by its route test.
  await page.route("**/api/admin/export/**", (route) =>
    route.fulfill({
      status: 413,
      contentType: "application/json",
      body: JSON.stringify({
        error: "These filters select more than 10,000 rows, the most one export holds. Narrow them and export again.",
      }),
    }),
  );
  await page.getByRole("button", { name: "Export CSV" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "more than 10,000 rows" })).toBeVisible();
});
