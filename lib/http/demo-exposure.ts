// A server on the published demo secrets must not be reachable from the network by accident: anyone who
// can connect could sign in as the owner with the README's password, or forge signed webhooks. So outside
// production (demo mode, development: when lib/env.ts fills unset variables with DEMO_DEFAULTS) the server
// binds the loopback interface unless told otherwise, and says loudly, by name, which demo values it uses.
import { DEMO_DEFAULTS, type Env } from "@/lib/env";

export type DemoKey = keyof typeof DEMO_DEFAULTS;

/** What each demo value gives away to whoever reaches the server. */
const EXPOSES: Record<DemoKey, string> = {
  AUTH_SECRET: "is the published demo value: anyone can forge a session cookie",
  ADMIN_EMAIL: "is the published demo owner",
  ADMIN_PASSWORD: "is the published demo password: anyone can sign in as the owner",
  ADMIN_API_TOKEN: "is the published demo token: anyone can call the admin API",
  APP_API_TOKEN: "is the published demo token: anyone can read any customer's entitlement",
  STRIPE_SECRET_KEY: "is the published demo key (the local Stripe sandbox)",
  STRIPE_WEBHOOK_SECRET: "is the published demo secret: anyone can send signed Stripe events",
  HUBSPOT_ACCESS_TOKEN: "is the published demo token (the local HubSpot sandbox)",
  ZENDESK_SUBDOMAIN: "is the published demo subdomain (the local Zendesk sandbox)",
  ZENDESK_EMAIL: "is the published demo agent (the local Zendesk sandbox)",
  ZENDESK_API_TOKEN: "is the published demo token (the local Zendesk sandbox)",
  APP_WEBHOOK_SECRET: "is the published demo secret: anyone can send signed app events",
  ZENDESK_WEBHOOK_SECRET: "is the published demo secret: anyone can send signed Zendesk ticket updates",
  INTERCOM_ACCESS_TOKEN: "is the published demo token (the local Intercom sandbox)",
  INTERCOM_WEBHOOK_SECRET: "is the published demo secret: anyone can send signed Intercom updates",
};

/** The settings whose value is the published demo one: filled in by lib/env.ts because the variable was
 *  unset (outside production), or set to the demo value by hand. Names only; the values are in the README. */
export function demoValuesInUse(e: Pick<Env, DemoKey>): DemoKey[] {
  return (Object.keys(DEMO_DEFAULTS) as DemoKey[]).filter((key) => e[key] === DEMO_DEFAULTS[key]);
}

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|::1|\[::1\]|localhost|::ffff:127(?:\.\d{1,3}){3})$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

export { listenHostname } from "./listen-hostname";

/** The start-up warning (for stderr) when demo values are in use, or undefined when none is. */
export function demoWarning(keys: DemoKey[], hostname: string): string | undefined {
  if (!keys.length) return undefined;
  const local = isLoopback(hostname);
  const lines = [
    "WARNING: DEMO SECRETS IN USE. Never expose this server.",
    "",
    ...keys.map((key) => `${key} ${EXPOSES[key]}.`),
    "",
    local
      ? `Listening on ${hostname} only: reachable from this machine, not from the network.`
      : `Listening on ${hostname}: REACHABLE FROM OTHER MACHINES with these published values.`,
    'Set your own values (README "Production"); NODE_ENV=production without DEMO_MODE requires them.',
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const bar = "!".repeat(width + 4);
  return [bar, ...lines.map((l) => `! ${l.padEnd(width)} !`), bar].join("\n");
}
