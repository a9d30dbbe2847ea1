// Accessibility: axe (WCAG 2.x A/AA) on every console page in both themes, then what axe cannot see,
// walked with the keyboard: the skip link comes first, a row link draws a visible focus ring, the
// confirm dialog keeps focus inside and gives it back to the button that opened it.
import { test, expect, type Page } from "@playwright/test";
import { AxeBuilder } from "@axe-core/playwright";
import { CONSOLE_PAGES, OWNER_STATE } from "./fixtures";
import { seedCustomer } from "./seed";

test.use({ storageState: OWNER_STATE });

test.beforeAll(async () => {
  // Rows in the tables, so the row links and badges are checked too, not only the empty states.
  await seedCustomer();
});

async function axeViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  // Readable on failure: the rule, and the first few elements it found.
  return violations.map((v) => `${v.id}: ${v.help} → ${v.nodes.slice(0, 3).map((n) => n.target.join(" "))}`);
}

for (const colorScheme of ["light", "dark"] as const) {
  test(`axe finds no violation on any console page (${colorScheme})`, async ({ page }) => {
    // Ten pages, each rendered and analysed: far more than the default 60 s on a busy machine.
    test.setTimeout(240_000);
    // The theme follows the system until chosen: emulating the preference switches the console.
    await page.emulateMedia({ colorScheme });
    for (const { path, heading } of CONSOLE_PAGES) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expect(page.locator("html")).toHaveClass(colorScheme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
      expect(await axeViolations(page), `${path} in ${colorScheme}`).toEqual([]);
    }
  });
}

test("the first Tab reaches 'Skip to content', which moves focus past the navigation", async ({ page }) => {
  await page.goto("/customers");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#content")).toBeFocused();
  // The next Tab lands inside the page, not back in the navigation.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => Boolean(document.activeElement?.closest("main")))).toBe(true);
});

test("a row link draws a visible focus ring around its content", async ({ page }) => {
  await page.goto("/customers");
  await page.getByRole("link", { name: "Skip to content" }).focus();
  await page.keyboard.press("Enter");
  // Tab through the page until focus reaches a link inside the table body.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => Boolean(document.activeElement?.closest("tbody a")))) break;
  }
  const ring = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return { inTable: Boolean(el.closest("tbody")), outline: style.outlineStyle, width: style.outlineWidth, box };
  });
  expect(ring.inTable).toBe(true);
  expect(ring.outline).toBe("solid");
  expect(Number.parseFloat(ring.width)).toBeGreaterThanOrEqual(2);
  // The ring surrounds the content (an inline link around a block draws it around an empty line).
  expect(ring.box.height).toBeGreaterThan(12);
  expect(ring.box.width).toBeGreaterThan(20);
});

test("the confirm dialog traps focus and returns it to the button that opened it", async ({ page }) => {
  await page.goto("/events");
  await page.locator("tbody a").first().click();
  const opener = page.getByRole("button", { name: "Replay whole event" });
  await opener.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Replay the whole event?" });
  await expect(dialog).toBeVisible();
  // Cancel takes focus first, so a stray Enter never confirms.
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest("dialog")))).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
});

test("a button that becomes disabled keeps focus instead of dropping it to the page", async ({ page }) => {
  await page.goto("/readiness");
  const runAgain = page.getByRole("button", { name: "Run again" });
  await runAgain.focus();
  await page.keyboard.press("Enter");
  // While the checks run the button says so and is aria-disabled; focus must not fall to <body>.
  await expect(page.getByRole("button", { name: "Running checks…" })).toBeFocused();
  await expect(page.getByRole("button", { name: "Running checks…" })).toBeDisabled();
  await expect(runAgain).toBeFocused({ timeout: 30_000 });
});
