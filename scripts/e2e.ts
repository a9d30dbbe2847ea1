// `npm run test:e2e`: find (or install) Chromium, build, start the console on a fresh embedded database
// with the sandboxes, then run the Playwright specs against it.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { ensureChromium } from "../e2e/browser";
import { startSandbox } from "../sandbox";
import { DEMO_DEFAULTS } from "../lib/env";
import { ensureBuild, startNext, waitForHttp } from "./lib/next-server";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function main() {
  const chromium = await ensureChromium();
  const sandbox = await startSandbox({
    stripeKey: DEMO_DEFAULTS.STRIPE_SECRET_KEY,
    hubspotToken: DEMO_DEFAULTS.HUBSPOT_ACCESS_TOKEN,
    zendesk: { email: DEMO_DEFAULTS.ZENDESK_EMAIL, token: DEMO_DEFAULTS.ZENDESK_API_TOKEN },
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-e2e-"));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DEMO_MODE: "1",
    DATA_DIR: dataDir,
    DATABASE_URL: "",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
    STRIPE_API_BASE: sandbox.stripe.url,
    HUBSPOT_BASE_URL: sandbox.hubspot.url,
    ZENDESK_BASE_URL: sandbox.zendesk.url,
    INTERCOM_BASE_URL: sandbox.intercom.url,
    APP_CALLBACK_URL: sandbox.app.callbackUrl,
  };
  for (const [service, route, secret] of [
    [sandbox.zendesk.service, "zendesk", DEMO_DEFAULTS.ZENDESK_WEBHOOK_SECRET],
    [sandbox.intercom.service, "intercom", DEMO_DEFAULTS.INTERCOM_WEBHOOK_SECRET],
  ] as const)
    service.configure({ webhookUrl: `http://127.0.0.1:${port}/api/webhooks/${route}`, webhookSecret: secret });
  let status = 1;
  ensureBuild(env);
  const server = startNext(port, env, true);
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${baseUrl}/api/health`, 120_000, server);
    // spawn, not spawnSync: the sandboxes live in this process and must keep answering during the tests.
    const run = spawn(process.execPath, ["node_modules/@playwright/test/cli.js", "test", ...process.argv.slice(2)], {
      stdio: "inherit",
      env: {
        ...env,
        E2E_BASE_URL: baseUrl,
        PLAYWRIGHT_CHROMIUM_PATH: chromium,
        SANDBOX_STRIPE_URL: sandbox.stripe.url,
        SANDBOX_HUBSPOT_URL: sandbox.hubspot.url,
        SANDBOX_ZENDESK_URL: sandbox.zendesk.url,
      },
    });
    status = await new Promise<number>((resolve) => run.on("exit", (code) => resolve(code ?? 1)));
  } finally {
    server.kill("SIGTERM");
    await sandbox.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(status);
}

main().catch((err) => {
  console.error(`Browser tests could not run: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
