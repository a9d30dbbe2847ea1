// Every console page renders for the owner (empty database: the empty states), with a screenshot of each.
import { test, expect } from "@playwright/test";
import { OWNER_STATE } from "./fixtures";

test.use({ storageState: OWNER_STATE });

const PAGES = [
  { path: "/", heading: "Overview" },
  { path: "/customers", heading: "Customers" },
  { path: "/events", heading: "Events" },
  { path: "/alerts", heading: "Alerts" },
  { path: "/readiness", heading: "Readiness" },
  { path: "/audit", heading: "Audit log" },
  { path: "/users", heading: "Users" },
  { path: "/account", heading: "Account" },
];

for (const { path, heading } of PAGES) {
  test(`${heading} renders`, async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await page.screenshot({
      path: `e2e/screenshots/${heading.toLowerCase().replace(/\s+/g, "-")}.png`,
      fullPage: true,
    });
    expect(errors).toEqual([]);
  });
}

test("the health endpoint shows anyone the status, version and start time only, and an admin the database, migrations, jobs driver and backlog", async ({
  request,
  playwright,
  baseURL,
}) => {
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const open = await anonymous.get("/api/health");
  expect(open.status()).toBe(200);
  expect(Object.keys(await open.json()).sort()).toEqual(["startedAt", "status", "time", "version"]);
  await anonymous.dispose();
  // `request` carries the owner's session (OWNER_STATE): the details.
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({
    status: "ok",
    database: { ok: true, driver: "pglite" },
    migrations: { current: true },
    jobs: { driver: "inline" },
  });
  expect(body.backlog).toMatchObject({ received: expect.any(Number), processing: expect.any(Number) });
  expect(JSON.stringify(body)).not.toMatch(/sk_test|whsec_|pat-|demo-password|token/i);
});

test("the admin API answers 401 JSON without a session or token", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  for (const path of [
    "/api/admin/customers",
    "/api/admin/events",
    "/api/admin/customers/u_1",
    "/api/admin/events/00000000-0000-0000-0000-000000000000",
  ]) {
    const res = await anonymous.get(path);
    expect(res.status(), path).toBe(401);
    expect(await res.json()).toMatchObject({ error: expect.any(String) });
  }
  await anonymous.dispose();
});
