// `npm run demo`: sandboxed Stripe/HubSpot/Zendesk on loopback, the console on :3000 on the embedded
// database, and a scenario played
// through the real webhooks so the console opens on real data (including a failed event to replay).
// The sandboxes' objects are kept in DATA_DIR/sandbox-state.json, so a restart resumes both sides together.
// The console runs on the published demo secrets, so it listens on 127.0.0.1 only, unless
// `npm run demo -- -H <address>` or HOSTNAME says otherwise (the server then warns that it is exposed).
import os from "node:os";
import path from "node:path";
import { DEMO_DEFAULTS, SANDBOX_PORTS, inspectEnv, processEnvSource } from "../lib/env";
import { isLoopback, listenHostname } from "../lib/http/demo-exposure";
import { startSandbox } from "../sandbox";
import { ensureBuild, startNext, waitForHttp } from "./lib/next-server";
import { playScenario } from "./demo-scenario";

const port = Number(process.env.PORT ?? 3000);
const flag = process.argv.findIndex((a) => a === "-H" || a === "--hostname");
const hostname = listenHostname({
  flag: flag >= 0 ? process.argv[flag + 1] : undefined,
  hostnameVar: process.env.HOSTNAME,
  machineName: os.hostname(),
  isProduction: false,
});
const wildcard = hostname === "0.0.0.0" || hostname === "::";
const inUrl = (host: string) => (host.includes(":") ? `[${host}]` : host);
/** Where this script reaches the console (a wildcard address answers on loopback too), and what the banner shows. */
const localUrl = `http://${wildcard ? "127.0.0.1" : inUrl(hostname)}:${port}`;
const shownUrl = `http://${wildcard || isLoopback(hostname) ? "localhost" : inUrl(hostname)}:${port}`;
/** DATA_DIR as the console resolves it (db/index.ts); the sandboxes keep their state beside the database, so
 * a restart finds both as they were and deleting the folder starts both over. */
const dataDir = path.resolve(inspectEnv({ ...processEnvSource(), DEMO_MODE: "1" }).env.DATA_DIR);
const relativeDataDir = path.relative(process.cwd(), dataDir);
const shownDataDir =
  relativeDataDir.startsWith("..") || path.isAbsolute(relativeDataDir) ? dataDir : `./${relativeDataDir}`;

async function main() {
  const sandbox = await startSandbox({
    stripePort: SANDBOX_PORTS.stripe,
    hubspotPort: SANDBOX_PORTS.hubspot,
    zendeskPort: SANDBOX_PORTS.zendesk,
    intercomPort: SANDBOX_PORTS.intercom,
    appPort: SANDBOX_PORTS.app,
    stripeKey: DEMO_DEFAULTS.STRIPE_SECRET_KEY,
    hubspotToken: DEMO_DEFAULTS.HUBSPOT_ACCESS_TOKEN,
    zendesk: { email: DEMO_DEFAULTS.ZENDESK_EMAIL, token: DEMO_DEFAULTS.ZENDESK_API_TOKEN },
    stateFile: path.join(dataDir, "sandbox-state.json"),
  });
  // The support sandboxes send their signed status webhooks to this console, as Zendesk and Intercom would.
  sandbox.zendesk.service.configure({
    webhookUrl: `${localUrl}/api/webhooks/zendesk`,
    webhookSecret: DEMO_DEFAULTS.ZENDESK_WEBHOOK_SECRET,
  });
  sandbox.intercom.service.configure({
    webhookUrl: `${localUrl}/api/webhooks/intercom`,
    webhookSecret: DEMO_DEFAULTS.INTERCOM_WEBHOOK_SECRET,
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DEMO_MODE: "1",
    // "error": the scenario fails one HubSpot sync on purpose, and its warning (a JSON log line) would
    // read like a crash in the first minute; real errors still print. LOG_LEVEL=warn brings them back.
    LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
    STRIPE_API_BASE: sandbox.stripe.url,
    HUBSPOT_BASE_URL: sandbox.hubspot.url,
    ZENDESK_BASE_URL: sandbox.zendesk.url,
    INTERCOM_BASE_URL: sandbox.intercom.url,
    // The sandbox's app look-alike receives the callbacks (its log: GET /callbacks on it).
    APP_CALLBACK_URL: process.env.APP_CALLBACK_URL || sandbox.app.callbackUrl,
  };
  ensureBuild(env);
  const server = startNext(port, env, false, hostname);
  const stop = async () => {
    server.kill("SIGTERM");
    await sandbox.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  server.on("exit", async (code) => {
    await sandbox.close();
    process.exit(code ?? 1);
  });
  await waitForHttp(`${localUrl}/api/health`, 120_000, server);
  const played = await playScenario({ baseUrl: localUrl, sandbox });
  console.log(
    banner(played === "played", {
      stripe: sandbox.stripe.url,
      hubspot: sandbox.hubspot.url,
      zendesk: sandbox.zendesk.url,
    }),
  );
}

/** The last thing the demo prints: where to go, how to sign in, and what to try first. */
function banner(freshlyPlayed: boolean, sandboxes: { stripe: string; hubspot: string; zendesk: string }): string {
  const email = process.env.ADMIN_EMAIL ?? DEMO_DEFAULTS.ADMIN_EMAIL;
  const password = process.env.ADMIN_PASSWORD ?? DEMO_DEFAULTS.ADMIN_PASSWORD;
  const lines = [
    `Founder Ops console is ready: ${shownUrl}`,
    `Sign in: ${email} / ${password}`,
    "",
    "One HubSpot sync failed on purpose: Overview → Needs attention (replay it there).",
    freshlyPlayed
      ? "The scenario just played: 9 customers, payments, a failed renewal, tickets, a refund."
      : `Data from an earlier run, in ${shownDataDir} (delete the folder to start over).`,
    `Sandboxes: Stripe ${sandboxes.stripe}, HubSpot ${sandboxes.hubspot}, Zendesk ${sandboxes.zendesk}`,
    "Press Ctrl+C to stop.",
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const rule = "─".repeat(width);
  return ["", rule, ...lines.map((l) => (l ? `  ${l}` : "")), rule, ""].join("\n");
}

main().catch((err) => {
  console.error(`Demo failed to start: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
