// Integration checks: one cheap authenticated call per service through the configured base URL,
// needing the access the product uses; a refusal (401/403) is explained with what to create instead.
import net from "node:net";
import { IntegrationError } from "@/lib/integrations/errors";
import { classifyStripeError } from "@/lib/integrations/stripe/errors";
import { networkReason } from "./net";
import { fail, pass, warn, type CheckDefinition, type Outcome, type ReadinessContext } from "./types";

type Service = {
  key: "stripe" | "hubspot" | "zendesk" | "intercom";
  name: string;
  /** Variables holding the credentials (all must be set). */
  credentials: string[];
  baseVar: string;
  base: (ctx: ReadinessContext) => string | undefined;
  real: (ctx: ReadinessContext) => string;
  call: (ctx: ReadinessContext) => Promise<void>;
  /** What to do about a 401 and a 403. */
  refused: { 401: string; 403: string };
  /** Whether the check applies to this configuration (the support tool not in use is left out). */
  applies?: (ctx: ReadinessContext) => boolean;
};

const SERVICES: Service[] = [
  {
    key: "stripe",
    name: "Stripe",
    credentials: ["STRIPE_SECRET_KEY"],
    baseVar: "STRIPE_API_BASE",
    base: (ctx) => ctx.env.STRIPE_API_BASE,
    real: () => "https://api.stripe.com",
    // The pipeline reads customers and subscriptions; listing one customer needs the same read access.
    call: async (ctx) => {
      try {
        // One attempt that ends inside the check's budget, so the SDK's own error says what went wrong.
        const timeout = Math.max(250, ctx.timeoutMs - 1_000);
        await ctx.services().stripe.customers.list({ limit: 1 }, { maxNetworkRetries: 0, timeout });
      } catch (err) {
        throw classifyStripeError(err);
      }
    },
    refused: {
      401: "The Stripe key was refused (401): copy a secret key, or a restricted key with read access to Customers, Subscriptions and Invoices, from Stripe → Developers → API keys into STRIPE_SECRET_KEY.",
      403: "The Stripe key lacks a permission (403): give the restricted key read access to Customers, Subscriptions and Invoices, or use the secret key.",
    },
  },
  {
    key: "hubspot",
    name: "HubSpot",
    credentials: ["HUBSPOT_ACCESS_TOKEN"],
    baseVar: "HUBSPOT_BASE_URL",
    base: (ctx) => ctx.env.HUBSPOT_BASE_URL,
    real: () => "https://api.hubapi.com",
    call: (ctx) => ctx.services().hubspot.ping(),
    refused: {
      401: "The HubSpot token was refused (401): create a private app token with crm.objects.contacts.read/write and crm.schemas.contacts.read/write and set it as HUBSPOT_ACCESS_TOKEN.",
      403: "The HubSpot token lacks a scope (403): add crm.objects.contacts.read/write and crm.schemas.contacts.read/write to the private app, then copy its token again.",
    },
  },
  {
    key: "zendesk",
    name: "Zendesk",
    credentials: ["ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN"],
    baseVar: "ZENDESK_BASE_URL",
    base: (ctx) => ctx.env.ZENDESK_BASE_URL,
    real: (ctx) => `https://${ctx.env.ZENDESK_SUBDOMAIN}.zendesk.com`,
    call: (ctx) => ctx.services().zendesk.ping(),
    applies: (ctx) => ctx.env.SUPPORT_PROVIDER !== "intercom",
    refused: {
      401: "Zendesk refused the credentials (401): set ZENDESK_EMAIL to the agent who made the token and ZENDESK_API_TOKEN to an active API token (Admin Center → Apps and integrations → Zendesk API, token access on).",
      403: "The Zendesk agent lacks access (403): use the token of an admin or an agent who may create users and tickets.",
    },
  },
  {
    key: "intercom",
    name: "Intercom",
    credentials: ["INTERCOM_ACCESS_TOKEN"],
    baseVar: "INTERCOM_BASE_URL",
    base: (ctx) => ctx.env.INTERCOM_BASE_URL,
    real: () => "https://api.intercom.io",
    // GET /me: the admin the token acts as (the notes' author).
    call: (ctx) => ctx.services().intercom.ping(),
    applies: (ctx) => ctx.env.SUPPORT_PROVIDER === "intercom",
    refused: {
      401: "Intercom refused the access token (401): copy the access token of your Intercom app (Developer Hub → your app → Authentication) into INTERCOM_ACCESS_TOKEN.",
      403: "The Intercom token lacks a permission (403): give the app read and write access to users/contacts and conversations (Developer Hub → Authentication → Edit), then copy its token again.",
    },
  },
];

const CREDENTIAL_VALUE: Record<string, (ctx: ReadinessContext) => string> = {
  STRIPE_SECRET_KEY: (ctx) => ctx.env.STRIPE_SECRET_KEY,
  HUBSPOT_ACCESS_TOKEN: (ctx) => ctx.env.HUBSPOT_ACCESS_TOKEN,
  ZENDESK_SUBDOMAIN: (ctx) => ctx.env.ZENDESK_SUBDOMAIN,
  ZENDESK_EMAIL: (ctx) => ctx.env.ZENDESK_EMAIL,
  ZENDESK_API_TOKEN: (ctx) => ctx.env.ZENDESK_API_TOKEN,
  INTERCOM_ACCESS_TOKEN: (ctx) => ctx.env.INTERCOM_ACCESS_TOKEN,
};

/** Why a base URL cannot be reached ("connection refused (ECONNREFUSED)"), or undefined when its port answers. */
function whyUnreachable(where: string, timeoutMs: number): Promise<string | undefined> {
  const u = new URL(where);
  const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port, timeout: timeoutMs });
    socket.once("connect", () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("timed out (ETIMEDOUT)");
    });
    socket.once("error", (err) => resolve(networkReason(err)));
  });
}

async function explain(ctx: ReadinessContext, service: Service, where: string, err: unknown): Promise<Outcome> {
  const e = err instanceof IntegrationError ? err : undefined;
  const status = e?.status;
  const said = (e?.message ?? (err instanceof Error ? err.message : String(err)))
    .split("\n")[0]
    .slice(0, 200)
    .replace(/\.+$/, "");
  if (status === 401 || status === 403) {
    const [what, todo] = splitExplanation(service.refused[status]);
    return fail(`${what} ${service.name} said: "${said}"`, todo);
  }
  if (status === 404)
    return fail(
      `${where} answered 404 (${said}): it does not look like the ${service.name} API.`,
      `Leave ${service.baseVar} unset for the real service, or set it to the origin (no path) of a compatible server.`,
    );
  if (status === 429)
    return warn(
      `${service.name} is rate-limiting these credentials (429), so they were not checked.`,
      "Run the checks again in a minute.",
    );
  if (status !== undefined && status >= 500)
    return fail(
      `${service.name} answered ${status} (${said}).`,
      `Check ${service.name}'s status page, then run the checks again.`,
    );
  if (status !== undefined)
    return fail(
      `${service.name} answered ${status}: ${said}`,
      `Check the ${service.name} credentials and ${service.baseVar}.`,
    );
  const local = /127\.0\.0\.1|localhost/.test(where);
  const why = (await whyUnreachable(where, Math.min(1_500, ctx.timeoutMs / 3))) ?? said.replace(/^network: /, "");
  return fail(
    `Could not reach ${service.name} at ${where}: ${why}.`,
    local
      ? "Start the local sandboxes (npx tsx sandbox/main.ts) or set real credentials."
      : `Check that this server can reach ${where} (DNS, firewall, proxy) and that ${service.baseVar} is right.`,
  );
}

/** "The X was refused (401): do this." → ["The X was refused (401).", "Do this."] */
function splitExplanation(text: string): [string, string] {
  const at = text.indexOf("): ");
  if (at < 0) return [text, text];
  const todo = text.slice(at + 3);
  return [`${text.slice(0, at + 1)}.`, `${todo.charAt(0).toUpperCase()}${todo.slice(1)}`];
}

export const integrationChecks: CheckDefinition[] = SERVICES.map((service) => ({
  id: `integrations.${service.key}`,
  group: "integrations",
  title: `${service.name} credentials`,
  timeoutFix: `Check that this server can reach ${service.name} (DNS, firewall, proxy) and that ${service.baseVar} is right.`,
  run: async (ctx) => {
    if (service.applies && !service.applies(ctx)) return null;
    const missing = service.credentials.filter((k) => !CREDENTIAL_VALUE[k](ctx));
    if (missing.length)
      return fail(
        `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set.`,
        `Set ${missing.join(", ")} (README → Production).`,
      );
    const base = service.base(ctx);
    const where = base ?? service.real(ctx);
    const started = performance.now();
    try {
      await service.call(ctx);
    } catch (err) {
      return explain(ctx, service, where, err);
    }
    const ms = Math.round(performance.now() - started);
    const sandbox = base && /127\.0\.0\.1|localhost/.test(base) ? " (a local sandbox)" : "";
    return pass(`Authenticated at ${where}${sandbox} in ${ms} ms.`);
  },
}));
