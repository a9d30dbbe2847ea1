// The Content-Security-Policy in a real browser: the sign-in page and the console pages run their scripts
// (hydrated, client navigation works) with no CSP violation reported, styles still apply, and no page can
// be framed (clickjacking).
import { test, expect, type Page } from "@playwright/test";
import { OWNER_STATE } from "./fixtures";

const VIOLATION = /Content Security Policy|Refused to (execute|load|apply|connect|frame|display)|unsafe-eval/i;

/** Collects CSP violations two ways: the console messages Chromium prints, and the DOM's own violation
 *  events, which an init script (run in every document, so navigations keep it) echoes to the console. */
async function watchViolations(page: Page): Promise<() => string[]> {
  const messages: string[] = [];
  page.on("console", (msg) => {
    if (VIOLATION.test(msg.text())) messages.push(`${page.url()} console ${msg.type()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => messages.push(`${page.url()} page error: ${err.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.warn(
        `Content Security Policy violation event: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`,
      ),
    );
  });
  return () => [...messages];
}

/** React hydrated the page: Next's client runtime ran (it sets window.next once the app has started). */
async function expectHydrated(page: Page) {
  await page.waitForFunction(() => Boolean((window as unknown as { next?: { version?: string } }).next?.version));
}

test.describe("without a session", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("the sign-in page carries a nonce CSP, runs its scripts with no violation, and keeps its styles", async ({
    page,
  }) => {
    const violations = await watchViolations(page);
    const response = await page.goto("/sign-in");
    const headers = response!.headers();
    expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await expectHydrated(page);
    // Tailwind's classes apply: the button is filled, the card has a border, the page font is not the default serif.
    const button = page.getByRole("button", { name: "Sign in" });
    expect(await button.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe("rgba(0, 0, 0, 0)");
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).not.toMatch(/^"?Times/);
    await page.screenshot({ path: "e2e/screenshots/csp-sign-in.png", fullPage: true });
    expect(violations()).toEqual([]);
  });

  test("the sign-in page cannot be framed by another page", async ({ page, baseURL }) => {
    const refused = page.waitForEvent("console", {
      predicate: (msg) => /frame-ancestors|X-Frame-Options/i.test(msg.text()),
      timeout: 15_000,
    });
    await page.setContent(`<iframe src="${baseURL}/sign-in" width="600" height="400"></iframe>`);
    await refused;
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const inside = await frame?.evaluate(() => document.querySelector("form") !== null).catch(() => false);
    expect(inside ?? false).toBe(false);
  });
});

test.describe("signed in", () => {
  test.use({ storageState: OWNER_STATE });

  test("the overview, events and customers run with no CSP violation, and client navigation works", async ({
    page,
  }) => {
    const violations = await watchViolations(page);
    for (const [path, heading] of [
      ["/", "Overview"],
      ["/events", "Events"],
      ["/customers", "Customers"],
    ] as const) {
      const response = await page.goto(path);
      expect(response!.headers()["content-security-policy"], path).toMatch(/'nonce-[^']+'/);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expectHydrated(page);
      if (path === "/") await page.screenshot({ path: "e2e/screenshots/csp-overview.png", fullPage: true });
    }
    // A client-side navigation: chunks loaded by Next's scripts ('strict-dynamic') and the RSC fetch ('self').
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Alerts" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Alerts" })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(violations()).toEqual([]);
  });
});
