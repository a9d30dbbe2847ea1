// Customer detail and roles, end to end: a customer seeded through the real webhooks is found by email and
// shows its identity in all four systems; a viewer made on the Users page sees no actions and gets 403s.
import { test, expect, type APIRequestContext, type Page } from "@playwright/test";
import { OWNER_STATE } from "./fixtures";
import { eventually, seedCustomer, uniqueId } from "./seed";

test.use({ storageState: OWNER_STATE });

type Identity = { system: string; externalId: string };

/** Waits until the pipeline linked the customer everywhere (webhooks are processed after they answer). */
async function linkedEverywhere(request: APIRequestContext, appUserId: string) {
  return eventually(async () => {
    const res = await request.get(`/api/admin/customers/${appUserId}`);
    expect(res.status()).toBe(200);
    const body = (await res.json()) as { identities: Identity[] };
    const ids = Object.fromEntries(body.identities.map((i) => [i.system, i.externalId]));
    expect(Object.keys(ids).sort()).toEqual(["app", "hubspot", "stripe", "zendesk"]);
    return ids as Record<"app" | "stripe" | "hubspot" | "zendesk", string>;
  });
}

async function openCustomerFromList(page: Page, email: string) {
  await page.goto("/customers");
  await page.getByLabel("Search").fill(email);
  await page.getByLabel("Search").press("Enter");
  await expect(page.getByRole("table", { name: "Customers" }).getByRole("row")).toHaveCount(2); // header + the customer
  await page.getByRole("link", { name: /Grace Hopper/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Grace Hopper" })).toBeVisible();
}

test("owner: search a customer by email and see them in all four systems, with the ticket reference", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  const seeded = await seedCustomer();
  const ids = await linkedEverywhere(page.request, seeded.appUserId);
  expect(ids.stripe).toBe(seeded.stripeCustomerId);

  await openCustomerFromList(page, seeded.email);
  await expect(page).toHaveURL(new RegExp(`/customers/${seeded.appUserId}$`));
  const identity = page.getByRole("table", { name: /Linked identities/ });
  for (const [system, id] of Object.entries(ids)) {
    await expect(identity.locator(`tr[data-system="${system}"]`)).toContainText(id);
  }
  await expect(identity.getByRole("link", { name: new RegExp(seeded.stripeCustomerId) })).toHaveAttribute(
    "href",
    // The demo and the tests point Stripe at the sandbox: the link opens the sandbox's own record.
    new RegExp(`/v1/customers/${seeded.stripeCustomerId}$`),
  );
  // The requester was made by the pipeline with our app user id: linked by our id, nothing to confirm.
  await expect(identity.locator('tr[data-system="zendesk"]')).toContainText("By our id");
  await expect(page.getByRole("region", { name: "Support tickets" })).toContainText(seeded.reference);
  await expect(page.getByRole("region", { name: "Entitlement" })).toContainText("Active");
  await expect(
    page.getByRole("region", { name: /Timeline/ }).getByRole("link", { name: /checkout\.session\.completed/ }),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: "Re-sync to CRM" })).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/customer-detail.png", fullPage: true });

  await page.getByRole("button", { name: "Re-sync to CRM" }).click();
  await expect(page.locator("#resync-outcome")).toHaveText(`HubSpot contact ${ids.hubspot} is up to date.`);
  expect(errors).toEqual([]);
});

test("an unknown app user id says so and leads back to the search", async ({ page }) => {
  await page.goto("/customers/no_such_user_here");
  await expect(page.getByRole("heading", { level: 1, name: "Customer not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Search customers" })).toBeVisible();
});

test("a viewer made on the Users page sees no actions, and the server refuses their replay with 403", async ({
  page,
  browser,
  baseURL,
}) => {
  const seeded = await seedCustomer();
  await linkedEverywhere(page.request, seeded.appUserId);
  const events = (await (await page.request.get(`/api/admin/events?customer=${seeded.appUserId}`)).json()) as {
    rows: { id: string }[];
  };
  const eventId = events.rows[0]!.id;

  const viewer = { email: `${uniqueId("viewer")}@example.com`.toLowerCase(), password: "viewer-temporary-pw" };
  await page.goto("/users");
  await page.getByLabel("Email").fill(viewer.email);
  await page.getByLabel("Temporary password").fill(viewer.password);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Add user" }).click();
  const row = page.locator(`tr[data-email="${viewer.email}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByLabel(`Role of ${viewer.email}`)).toHaveValue("viewer");
  await page.screenshot({ path: "e2e/screenshots/users.png", fullPage: true });
  await page.getByRole("button", { name: "Add user" }).click(); // empty form: errors next to the fields
  await expect(page.getByText("Enter an email address.")).toBeVisible();
  await expect(page.getByLabel("Temporary password")).toHaveAccessibleDescription("Use at least 12 characters.");

  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const asViewer = await context.newPage();
  await asViewer.goto("/sign-in");
  await asViewer.getByLabel("Email").fill(viewer.email);
  await asViewer.getByLabel("Password").fill(viewer.password);
  await asViewer.getByRole("button", { name: "Sign in" }).click();
  await expect(asViewer.getByRole("heading", { name: "Overview" })).toBeVisible();
  await openCustomerFromList(asViewer, seeded.email);
  await expect(asViewer.getByRole("table", { name: /Linked identities/ })).toContainText(seeded.stripeCustomerId);
  await expect(asViewer.getByText("You have read-only access")).toBeVisible();
  for (const name of [/Re-sync/, /Confirm/, /Unlink/, /^Link$/])
    await expect(asViewer.getByRole("button", { name })).toHaveCount(0);
  await expect(asViewer.getByLabel("External id")).toHaveCount(0);

  const replay = await context.request.post(`/api/admin/events/${eventId}/replay`, { data: {} });
  expect(replay.status()).toBe(403);
  expect(await replay.json()).toMatchObject({ error: expect.stringContaining("admin") });
  await context.close();

  await page.goto("/audit");
  const entry = page.getByRole("row").filter({ hasText: "user.create" }).filter({ hasText: viewer.email });
  await expect(entry).toHaveCount(1);
});
