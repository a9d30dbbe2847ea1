// An integration harness: a fresh database, the sandboxes on free ports, the real SDKs pointed at them,
// the inline runner with short retry delays, and helpers that post signed webhooks to the real routes.
import Stripe from "stripe";
import { setDbHandle, type DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { startSandbox, type Sandbox } from "@/sandbox";
import { env, resetEnvCache } from "@/lib/env";
import { createServices, resetServices, type Services } from "@/lib/integrations";
import { InlineRunner } from "@/lib/jobs/inline";
import { setInlineRunner } from "@/lib/jobs";
import { signAppPayload } from "@/lib/app-events/signature";
import { POST as stripeRoute } from "@/app/api/webhooks/stripe/route";
import { POST as appRoute } from "@/app/api/webhooks/app/route";

export type Harness = Awaited<ReturnType<typeof startHarness>>;
export type Answer = { status: number; body: Record<string, unknown> };

let counter = 0;
export const uid = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export async function startHarness(
  opts: { retries?: number; timeoutMs?: number; supportProvider?: "zendesk" | "intercom" } = {},
) {
  const sandbox: Sandbox = await startSandbox();
  process.env.STRIPE_API_BASE = sandbox.stripe.url;
  process.env.HUBSPOT_BASE_URL = sandbox.hubspot.url;
  process.env.ZENDESK_BASE_URL = sandbox.zendesk.url;
  process.env.INTERCOM_BASE_URL = sandbox.intercom.url;
  resetEnvCache();
  resetServices();
  const handle: DbHandle = await createTestDb();
  setDbHandle(handle);
  // Short client timeouts so that a hung sandbox call is retried within a test.
  const services: Services = createServices({
    stripe: { secretKey: env.STRIPE_SECRET_KEY, apiBase: sandbox.stripe.url },
    hubspot: { accessToken: env.HUBSPOT_ACCESS_TOKEN, baseUrl: sandbox.hubspot.url },
    zendesk: {
      subdomain: env.ZENDESK_SUBDOMAIN,
      email: env.ZENDESK_EMAIL,
      token: env.ZENDESK_API_TOKEN,
      baseUrl: sandbox.zendesk.url,
    },
    intercom: { token: env.INTERCOM_ACCESS_TOKEN, baseUrl: sandbox.intercom.url },
    // Every harness has the app look-alike receiving callbacks (sandbox.app.service.received()).
    app: { callbackUrl: sandbox.app.callbackUrl, secret: env.APP_WEBHOOK_SECRET },
    supportProvider: opts.supportProvider ?? "zendesk",
    timeoutMs: opts.timeoutMs ?? 1_000,
  });
  const runner = new InlineRunner({
    db: async () => handle.db,
    services: () => services,
    retry: { retries: opts.retries ?? 4, minTimeoutMs: 10, maxTimeoutMs: 100 },
    staleAfterMs: 60_000,
  });
  setInlineRunner(runner);

  async function postStripe(
    event: Record<string, unknown>,
    o: { secret?: string; header?: string; body?: string } = {},
  ): Promise<Answer> {
    const body = o.body ?? JSON.stringify(event);
    const header =
      o.header ??
      Stripe.webhooks.generateTestHeaderString({ payload: body, secret: o.secret ?? env.STRIPE_WEBHOOK_SECRET });
    const res = await stripeRoute(
      new Request("http://127.0.0.1/api/webhooks/stripe", {
        method: "POST",
        body,
        headers: { "stripe-signature": header, "content-type": "application/json" },
      }),
    );
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function postApp(
    event: Record<string, unknown>,
    o: { secret?: string; header?: string | null; body?: string; timestamp?: number } = {},
  ): Promise<Answer> {
    const body = o.body ?? JSON.stringify(event);
    const header =
      o.header === undefined ? signAppPayload(body, o.secret ?? env.APP_WEBHOOK_SECRET, o.timestamp) : o.header;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (header !== null) headers["app-signature"] = header;
    const res = await appRoute(new Request("http://127.0.0.1/api/webhooks/app", { method: "POST", body, headers }));
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  return {
    sandbox,
    services,
    db: handle.db,
    runner,
    postStripe,
    postApp,
    /** Waits until every scheduled event has finished. */
    settle: () => runner.idle(),
    close: async () => {
      await runner.idle();
      setInlineRunner(undefined);
      setDbHandle(undefined);
      await handle.close();
      await sandbox.close();
    },
  };
}

/** A Stripe event envelope as Stripe sends it (API version of the installed SDK). */
export function stripeEvent(type: string, object: Record<string, unknown>, o: { id?: string; created?: number } = {}) {
  return {
    id: o.id ?? uid("evt"),
    object: "event",
    api_version: "2026-10-28.endive",
    created: o.created ?? Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  };
}

export function appEvent(type: string, data: Record<string, unknown>, o: { id?: string; created?: string } = {}) {
  return { id: o.id ?? uid("app_evt"), type, created: o.created ?? new Date().toISOString(), data };
}
