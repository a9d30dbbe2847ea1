// Finds a Chromium for Playwright: PLAYWRIGHT_CHROMIUM_PATH, Debian's /usr/bin/chromium, or Playwright's
// own download; as root with apt available it installs Debian's chromium; otherwise says what to do.
import fs from "node:fs";
import { spawnSync } from "node:child_process";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

async function playwrightOwn(): Promise<string | undefined> {
  try {
    const { chromium } = await import("playwright-core");
    const p = chromium.executablePath();
    return p && fs.existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

export async function findChromium(): Promise<string | undefined> {
  const given = process.env.PLAYWRIGHT_CHROMIUM_PATH;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`PLAYWRIGHT_CHROMIUM_PATH=${given} does not exist.`);
    return given;
  }
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? (await playwrightOwn());
}

export async function ensureChromium(): Promise<string> {
  const found = await findChromium();
  if (found) return found;
  const canApt = process.getuid?.() === 0 && spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  if (canApt) {
    console.log("No Chromium found: installing Debian's chromium (apt-get install -y chromium)…");
    const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    const install = spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (update.status === 0 && install.status === 0 && fs.existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  }
  throw new Error(
    "No Chromium for the browser tests: run `sudo apt-get install -y chromium` (or set PLAYWRIGHT_CHROMIUM_PATH to a Chromium binary).",
  );
}
