// The Readiness page runs the checks of `npm run doctor`: the same checks with the same results, grouped,
// each with a badge, what was found and the fix; a summary on top; "Run again"; no secret on the page.
import { spawnSync } from "node:child_process";
import { test, expect } from "@playwright/test";
import { OWNER_STATE } from "./fixtures";

test.use({ storageState: OWNER_STATE });

type DoctorCheck = { id: string; group: string; title: string; status: "pass" | "warn" | "fail"; detail: string };

/** The doctor with the server's configuration (next start runs with NODE_ENV=production, DEMO_MODE=1). */
function doctorChecks(): DoctorCheck[] {
  const run = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/doctor.ts", "--json"], {
    env: { ...process.env, NODE_ENV: "production", NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 90_000,
  });
  return (JSON.parse(run.stdout) as { checks: DoctorCheck[] }).checks;
}

test("the Readiness page shows the doctor's checks, grouped, with a summary and fixes", async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto("/readiness");
  await expect(page.getByRole("heading", { level: 1, name: "Readiness" })).toBeVisible();

  // The summary: this server is a production build with DEMO_MODE=1, which must be fixed before launch.
  const summary = page.getByRole("region", { name: "Summary" });
  await expect(summary).toContainText(/\d+ to fix before launch/);
  await expect(summary.getByRole("link", { name: "Demo mode off" })).toHaveAttribute("href", "#config.demo-mode");

  for (const group of [
    "Configuration",
    "Database",
    "Integrations",
    "Background jobs",
    "Webhook freshness",
    "Public URL",
    "Email domain",
  ])
    await expect(page.getByRole("heading", { level: 2, name: group })).toBeVisible();

  const row = (id: string) => page.locator(`[data-check="${id}"]`);
  await expect(row("config.demo-mode")).toHaveAttribute("data-status", "fail");
  await expect(row("config.demo-mode")).toContainText("DEMO_MODE=1 with NODE_ENV=production");
  await expect(row("config.demo-mode")).toContainText("Fix: Unset DEMO_MODE");
  for (const id of [
    "config.stripe-key",
    "config.webhook-secrets",
    "config.auth-secret",
    "config.admin",
    "config.other",
    "database.connection",
    "database.migrations",
    "jobs.engine",
  ])
    await expect(row(id), id).toHaveAttribute("data-status", "pass");
  await expect(row("database.connection")).toContainText("Embedded PGlite");
  // Each integration is checked through the sandbox base URL this server was given.
  for (const [id, url] of [
    ["integrations.stripe", process.env.SANDBOX_STRIPE_URL],
    ["integrations.hubspot", process.env.SANDBOX_HUBSPOT_URL],
  ])
    await expect(row(id!), id!).toContainText(url!);
  await expect(row("public-url.app-url")).toHaveAttribute("data-status", "warn");

  // The same checks as the terminal, with the same results (the database rows differ: the doctor must not
  // open the embedded database this server holds open, and says so).
  const doctor = doctorChecks();
  const onPage = await page
    .locator("[data-check]")
    .evaluateAll((rows) => rows.map((r) => [r.getAttribute("data-check"), r.getAttribute("data-status")]));
  expect(onPage.map(([id]) => id)).toEqual(doctor.map((c) => c.id));
  const comparable = (list: string[][]) => list.filter(([id]) => !/^(database|webhooks)\./.test(id));
  expect(comparable(onPage as string[][])).toEqual(comparable(doctor.map((c) => [c.id, c.status])));
  expect(doctor.find((c) => c.id === "database.connection")?.detail).toContain(
    "is the demo server running? stop it or set DATABASE_URL",
  );

  const html = await page.content();
  expect(html).not.toMatch(/demo-password|sk_test_demo|pat-demo|whsec_demo|zendesk-demo-token|appsec_demo/);

  await page.screenshot({ path: "e2e/screenshots/readiness.png", fullPage: true });

  await page.getByRole("button", { name: "Run again" }).click();
  await expect(page.getByRole("button", { name: "Run again" })).toBeEnabled({ timeout: 30_000 });
  await expect(row("database.connection")).toHaveAttribute("data-status", "pass");
  expect(errors).toEqual([]);
});
