// CLI: `tsx sandbox/main.ts` runs the three look-alikes on fixed ports until SIGINT/SIGTERM.
import { DEMO_CREDENTIALS, startSandbox } from "./index";

function intEnv(name: string, fallback: number, max = 65535): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    console.error(`[sandbox] ${name} must be an integer from 0 to ${max}, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const env = process.env;
const sandbox = await startSandbox({
  host: env.SANDBOX_HOST || "127.0.0.1",
  stripePort: intEnv("SANDBOX_STRIPE_PORT", 12111),
  hubspotPort: intEnv("SANDBOX_HUBSPOT_PORT", 12112),
  zendeskPort: intEnv("SANDBOX_ZENDESK_PORT", 12113),
  intercomPort: intEnv("SANDBOX_INTERCOM_PORT", 12114),
  appPort: intEnv("SANDBOX_APP_PORT", 12115),
  intercomToken: env.INTERCOM_ACCESS_TOKEN || DEMO_CREDENTIALS.intercomToken,
  appSecret: env.APP_WEBHOOK_SECRET || DEMO_CREDENTIALS.appSecret,
  stripeKey: env.STRIPE_SECRET_KEY || DEMO_CREDENTIALS.stripeKey,
  hubspotToken: env.HUBSPOT_ACCESS_TOKEN || DEMO_CREDENTIALS.hubspotToken,
  zendesk: {
    email: env.ZENDESK_EMAIL || DEMO_CREDENTIALS.zendesk.email,
    token: env.ZENDESK_API_TOKEN || DEMO_CREDENTIALS.zendesk.token,
  },
  hubspotSearchLagMs: intEnv("SANDBOX_HUBSPOT_SEARCH_LAG_MS", 2000, 600_000),
}).catch((error: unknown) => {
  console.error(`[sandbox] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

console.log(`[sandbox] stripe  ${sandbox.stripe.url}  (STRIPE_API_BASE; control at /__sandbox/state)`);
console.log(
  `[sandbox] hubspot ${sandbox.hubspot.url}  (HUBSPOT_BASE_URL; search lag ${sandbox.hubspot.service.store.searchLagMs} ms)`,
);
console.log(`[sandbox] zendesk ${sandbox.zendesk.url}  (ZENDESK_BASE_URL; API at ${sandbox.zendesk.endpointUri})`);
console.log(`[sandbox] intercom ${sandbox.intercom.url}  (INTERCOM_BASE_URL)`);
console.log(`[sandbox] app     ${sandbox.app.url}  (APP_CALLBACK_URL=${sandbox.app.callbackUrl})`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[sandbox] ${signal}: stopping`);
  await sandbox.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
