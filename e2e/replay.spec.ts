// Replays from the console, seeded through the real webhooks with HubSpot faults injected in its sandbox:
// one failed event replayed from its detail page, a bulk replay of a filter, and a bulk replay of a selection.
import { test, expect, type Page } from "@playwright/test";
import { OWNER_STATE } from "./fixtures";
import * as control from "../sandbox/client";
import { eventually, failHubspot, healHubspot, postApp, sandboxUrls, seedCustomer, uniqueId } from "./seed";

test.use({ storageState: OWNER_STATE });

const INJECTED = "Property values were not valid (injected by the test)";

type EventsPage = { total: number; rows: { id: string; status: string }[] };
async function eventsApi(page: Page, query: Record<string, string>): Promise<EventsPage> {
  const res = await page.request.get(`/api/admin/events?${new URLSearchParams(query)}`);
  expect(res.status()).toBe(200);
  return (await res.json()) as EventsPage;
}

/** Signs up `n` users while every HubSpot upsert fails; answers once their events have failed. */
async function failedSignups(page: Page, n: number) {
  const from = new Date(Date.now() - 200).toISOString();
  await failHubspot("always");
  try {
    for (let i = 0; i < n; i++) {
      const userId = uniqueId("bulk");
      expect((await postApp("user.signed_up", { userId, email: `${userId}@example.com` })).status).toBe(200);
    }
    await eventually(async () =>
      expect((await eventsApi(page, { status: "failed", type: "user.signed_up", from })).total).toBe(n),
    );
  } finally {
    await healHubspot();
  }
  return from;
}

test.afterEach(() => healHubspot());

test("a failed event: the detail shows the service's error, and Replay failed steps fixes it", async ({ page }) => {
  await failHubspot(1);
  const customer = await seedCustomer();
  await page.goto(`/events?status=failed&customer=${encodeURIComponent(customer.appUserId)}`);
  const row = page.getByRole("link", { name: /user\.signed_up/ });
  await expect(async () => {
    await page.reload();
    await expect(row).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await row.click();

  await expect(page.getByRole("heading", { level: 1, name: "user.signed_up" })).toBeVisible();
  const step = page.locator('[data-step="sync-crm"]');
  await expect(step).toHaveAttribute("data-status", "failed");
  await expect(step).toContainText("HubSpot answered HTTP 400");
  await expect(step).toContainText(INJECTED);
  await expect(page.locator('[data-step="resolve-identity"]')).toHaveAttribute("data-status", "succeeded");
  await expect(
    page
      .getByRole("alert")
      .filter({ hasText: "This event stopped at “Upsert the HubSpot contact” (sync-crm) — HubSpot answered HTTP 400" }),
  ).toContainText(INJECTED);
  await expect(page.getByRole("link", { name: /Grace Hopper/ })).toHaveAttribute(
    "href",
    `/customers/${customer.appUserId}`,
  );
  await expect(page.getByRole("region", { name: /Payload of/ })).toContainText(customer.appUserId);
  await page.screenshot({ path: "e2e/screenshots/event-detail.png", fullPage: true });

  await healHubspot();
  await page.getByRole("button", { name: "Replay failed steps" }).click();
  await expect(page.getByText("Failed steps replayed: the event succeeded")).toBeVisible({ timeout: 20_000 });
  await expect(step).toHaveAttribute("data-status", "succeeded");
  await expect(step.locator("[data-attempt]").last()).not.toContainText(INJECTED);
  await expect(step).toContainText("HubSpot contact:");
  await expect(page.locator("header").getByText("Succeeded", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Replay failed steps" })).toHaveCount(0);
  await page.screenshot({ path: "e2e/screenshots/event-detail-replayed.png", fullPage: true });
});

test("the whole event replays only after a confirmation that Escape dismisses", async ({ page }) => {
  const userId = uniqueId("whole");
  await postApp("user.signed_up", { userId, email: `${userId}@example.com` });
  const { rows } = await eventually(async () => {
    const result = await eventsApi(page, { customer: userId, status: "succeeded" });
    expect(result.total).toBe(1);
    return result;
  });
  await page.goto(`/events/${rows[0]!.id}`);
  await page.getByRole("button", { name: "Replay whole event" }).click();
  const dialog = page.getByRole("dialog", { name: "Replay the whole event?" });
  await expect(dialog).toContainText("Each step is idempotent");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await page.getByRole("button", { name: "Replay whole event" }).click();
  await dialog.getByRole("button", { name: "Replay every step" }).click();
  await expect(page.getByText("Whole event replayed: the event succeeded")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText("Processing attempts").locator("..")).toContainText("2");
});

test("bulk replay of everything failed matching the filters: the confirmation's count, then progress to done", async ({
  page,
}) => {
  const from = await failedSignups(page, 3);
  await page.goto(`/events?status=failed&type=user.signed_up&from=${encodeURIComponent(from)}`);
  await expect(page.getByRole("table", { name: "Events" }).getByRole("row")).toHaveCount(4); // header + 3
  await page.getByRole("button", { name: "Replay all failed matching these filters (3)" }).click();
  const dialog = page.getByRole("dialog", { name: "Replay every failed event matching these filters?" });
  await expect(dialog.getByTestId("bulk-replay-count")).toHaveText("3 failed events will be replayed.");
  await expect(dialog).toContainText("type user.signed_up");
  await page.screenshot({ path: "e2e/screenshots/events-bulk-replay-confirm.png" });
  await dialog.getByRole("button", { name: "Replay 3 failed events" }).click();

  await expect(page.getByTestId("bulk-replay-progress")).toHaveText("Replay finished: 3 of 3 done, 0 failed", {
    timeout: 30_000,
  });
  await expect(page.getByText("Bulk replay finished: 3 events replayed, all succeeded")).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/events-bulk-replay-done.png" });
  expect((await eventsApi(page, { status: "succeeded", type: "user.signed_up", from })).total).toBe(3);
  expect((await eventsApi(page, { status: "failed", type: "user.signed_up", from })).total).toBe(0);
});

test("bulk replay of selected rows replays only those", async ({ page }) => {
  const from = await failedSignups(page, 2);
  await page.goto(`/events?status=failed&from=${encodeURIComponent(from)}`);
  const checkboxes = page.getByRole("checkbox", { name: /^Select user\.signed_up/ });
  await expect(checkboxes).toHaveCount(2);
  await checkboxes.first().check();
  await page.screenshot({ path: "e2e/screenshots/events-selection.png" });
  await page.getByRole("button", { name: "Replay selected (1)" }).click();
  const dialog = page.getByRole("dialog", { name: "Replay the selected events?" });
  await expect(dialog.getByTestId("bulk-replay-count")).toHaveText("1 failed event will be replayed.");
  await dialog.getByRole("button", { name: "Replay 1 failed event" }).click();
  await expect(page.getByTestId("bulk-replay-progress")).toHaveText("Replay finished: 1 of 1 done, 0 failed", {
    timeout: 30_000,
  });
  expect((await eventsApi(page, { status: "failed", type: "user.signed_up", from })).total).toBe(1);
  expect((await eventsApi(page, { status: "succeeded", type: "user.signed_up", from })).total).toBe(1);
});

test("a bulk replay's progress is kept in the database: it survives a reload and reads from the admin API", async ({
  page,
}) => {
  const from = await failedSignups(page, 3);
  // A slow HubSpot keeps the replay running across the reload.
  await control.fault(sandboxUrls().hubspot, {
    kind: "latency",
    latencyMs: 6_000,
    path: "/crm/v3/objects/contacts",
    times: "always",
  });
  await page.goto(`/events?status=failed&type=user.signed_up&from=${encodeURIComponent(from)}`);
  await page.getByRole("button", { name: "Replay all failed matching these filters (3)" }).click();
  const dialog = page.getByRole("dialog", { name: "Replay every failed event matching these filters?" });
  await dialog.getByRole("button", { name: "Replay 3 failed events" }).click();
  await expect(page.getByTestId("bulk-replay-progress")).toContainText(/^Replaying: \d of 3 done/);

  await page.reload();
  // Found again from the database, with who started it.
  await expect(page.getByTestId("bulk-replay-progress")).toContainText(/of 3 done/, { timeout: 10_000 });
  await expect(page.getByText(/started by/)).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/events-bulk-replay-after-reload.png" });
  const listed = await page.request.get("/api/admin/replays?limit=20");
  expect(listed.status()).toBe(200);
  const { replays: recent } = (await listed.json()) as { replays: { id: string; total: number }[] };
  // The newest replay of three events (other specs in this database replayed one or two).
  const replays = recent.filter((r) => r.total === 3);
  expect(replays[0]?.total).toBe(3);

  await healHubspot();
  await expect(page.getByTestId("bulk-replay-progress")).toHaveText("Replay finished: 3 of 3 done, 0 failed", {
    timeout: 60_000,
  });
  const one = await page.request.get(`/api/admin/replays/${replays[0]!.id}`);
  expect(await one.json()).toMatchObject({ status: "finished", total: 3, succeeded: 3, failed: 0, pending: 0 });
  expect((await eventsApi(page, { status: "failed", type: "user.signed_up", from })).total).toBe(0);
});

test("an unknown event id answers a not-found page that leads back to the list", async ({ page }) => {
  for (const id of ["00000000-0000-0000-0000-000000000000", "evt_not_a_uuid"]) {
    await page.goto(`/events/${id}`);
    await expect(page.getByRole("heading", { level: 1, name: "No such event" })).toBeVisible();
  }
  await page.screenshot({ path: "e2e/screenshots/event-not-found.png" });
  await page.getByRole("link", { name: "Go to events" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Events" })).toBeVisible();
});
