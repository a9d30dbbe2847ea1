// Times in the display time zone (the browser's here, Tokyo), never hand-formatted UTC: the event page,
// the entitlement card, the overview chart; the events date filter shows a Tokyo day and sends the UTC
// instant where it starts. Also walks every console page in light and dark at 1280 px and the main ones
// at 390 px for the screenshots looked at by hand (e2e/screenshots/pages/), checking nothing overflows.
import { test, expect, type Page } from "@playwright/test";
import { CONSOLE_PAGES, OWNER } from "./fixtures";
import { eventually, failHubspot, healHubspot, postApp, seedCustomer, uniqueId } from "./seed";

// Signs in itself rather than reading the shared owner state file, which a parallel run may rewrite.
test.use({ storageState: { cookies: [], origins: [] }, timezoneId: "Asia/Tokyo" });

test.beforeEach(async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
});

async function seeded(page: Page) {
  const customer = await seedCustomer();
  const res = await eventually(async () => {
    const r = await page.request.get(
      `/api/admin/events?customer=${customer.appUserId}&type=checkout.session.completed`,
    );
    const body = (await r.json()) as { rows: { id: string; status: string }[] };
    expect(body.rows[0]?.status).toBe("succeeded");
    return body.rows[0]!;
  });
  return { ...customer, eventId: res.id };
}

test("times show in the display time zone, and the date filter sends UTC", async ({ page }) => {
  const { appUserId, eventId } = await seeded(page);

  await page.goto(`/events/${eventId}`);
  const received = page
    .locator("dt")
    .filter({ hasText: /^Received$/ })
    .first()
    .locator("xpath=..");
  await expect(received).toContainText("GMT+9");
  await expect(received).not.toContainText("UTC");

  await page.goto(`/customers/${appUserId}`);
  const period = page.getByRole("region", { name: "Entitlement" });
  await expect(period.locator("time").first()).toHaveAttribute("dateTime", /Z$/);

  await page.goto("/");
  await expect(page.getByText(/Events per hour, last 24 hours \(GMT\+9\)/)).toBeVisible();

  // 28 Nov in Tokyo starts at 15:00 UTC the day before; the field shows the Tokyo day back.
  await page.goto("/events");
  // The field is React's: typing before hydration would be lost.
  await page.waitForLoadState("networkidle");
  await page.getByLabel("From", { exact: true }).fill("2026-11-28");
  await expect(page).toHaveURL(/from=2026-11-27T15(%3A|:)00(%3A|:)00\.000Z/);
  await expect(page.getByLabel("From", { exact: true })).toHaveValue("2026-11-28");
});

const SHOT_DIR = "e2e/screenshots/pages";

async function shoot(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: `${SHOT_DIR}/${name}.png`, fullPage: true });
}

test("every console page in light and dark, and the main ones on a phone", async ({ page, browser, baseURL }) => {
  test.setTimeout(240_000);
  const { appUserId, eventId } = await seeded(page);
  // One failed event, so the overview, the events list and an event page show a failure.
  await failHubspot(1);
  const failedUser = uniqueId("failing");
  await postApp("user.signed_up", { userId: failedUser, email: `${failedUser}@example.com`, name: "Hedy Lamarr" });
  const failed = await eventually(async () => {
    const r = await page.request.get(`/api/admin/events?customer=${failedUser}`);
    const body = (await r.json()) as { rows: { id: string; status: string }[] };
    expect(body.rows[0]?.status).toBe("failed");
    return body.rows[0]!;
  });
  await healHubspot();
  // One erasure, so the Erasures list (table at 1280, cards at 390) and the audit log show one.
  const leaving = uniqueId("leaving");
  await postApp("user.signed_up", { userId: leaving, email: `${leaving}@example.com`, name: "Ada Leaving" });
  await postApp("user.deleted", {
    userId: leaving,
    requestedAt: new Date().toISOString(),
    reason: "Deleted in the app",
  });

  const pages = [
    ...CONSOLE_PAGES.map((p) => ({ name: p.path === "/" ? "overview" : p.path.slice(1), path: p.path })),
    { name: "customer", path: `/customers/${appUserId}` },
    { name: "event", path: `/events/${eventId}` },
    { name: "event-failed", path: `/events/${failed.id}` },
  ];
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const p of pages) {
      await page.goto(p.path);
      await expect(page.locator("h1").first()).toBeVisible();
      // At 1280 px these lists fit their box: no sideways scroll to reach the last column.
      if (["events", "audit", "erasures"].includes(p.name)) {
        const box = page.locator("table").first().locator("xpath=..");
        const extra = await box.evaluate((el) => el.scrollWidth - el.clientWidth);
        expect(extra, `${p.path}'s table is ${extra}px wider than its box at 1280 px`).toBeLessThanOrEqual(0);
      }
      await shoot(page, `${scheme}-1280-${p.name}`);
    }
  }

  const phone = await browser.newContext({
    baseURL,
    storageState: await page.context().storageState(),
    viewport: { width: 390, height: 844 },
    timezoneId: "Asia/Tokyo",
  });
  const onPhone = await phone.newPage();
  for (const scheme of ["light", "dark"] as const) {
    await onPhone.emulateMedia({ colorScheme: scheme });
    for (const p of pages.filter((x) =>
      ["overview", "customers", "events", "alerts", "erasures", "audit", "event-failed", "customer"].includes(x.name),
    )) {
      await onPhone.goto(p.path);
      await expect(onPhone.locator("h1").first()).toBeVisible();
      // The page itself never scrolls sideways (a wide table scrolls inside its own box).
      const overflow = await onPhone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${p.path} overflows by ${overflow}px at 390 px`).toBeLessThanOrEqual(0);
      await shoot(onPhone, `${scheme}-390-${p.name}`);
    }
  }
  await phone.close();

  const signedOut = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const signIn = await signedOut.newPage();
  for (const scheme of ["light", "dark"] as const) {
    await signIn.emulateMedia({ colorScheme: scheme });
    await signIn.goto("/sign-in");
    await shoot(signIn, `${scheme}-1280-sign-in`);
  }
  await signedOut.close();
});
