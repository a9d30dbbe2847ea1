// Seeds data through the real webhooks (signed as Stripe and the app would) and the sandbox control API.
import Stripe from "stripe";
import { signAppPayload } from "../lib/app-events/signature";
import { DEMO_DEFAULTS } from "../lib/env";
import * as control from "../sandbox/client";

const base = () => process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100";
export const sandboxUrls = () => ({
  stripe: process.env.SANDBOX_STRIPE_URL!,
  hubspot: process.env.SANDBOX_HUBSPOT_URL!,
  zendesk: process.env.SANDBOX_ZENDESK_URL!,
});

let n = 0;
export const uniqueId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(n++).toString(36)}`;

export async function postApp(type: string, data: Record<string, unknown>, id = uniqueId("app_evt")) {
  const body = JSON.stringify({ id, type, created: new Date().toISOString(), data });
  const res = await fetch(`${base()}/api/webhooks/app`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "app-signature": signAppPayload(body, process.env.APP_WEBHOOK_SECRET ?? DEMO_DEFAULTS.APP_WEBHOOK_SECRET),
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function postStripe(
  type: string,
  object: Record<string, unknown>,
  opts: { id?: string; created?: number } = {},
) {
  const body = JSON.stringify({
    id: opts.id ?? uniqueId("evt"),
    object: "event",
    created: opts.created ?? Math.floor(Date.now() / 1000),
    type,
    data: { object },
  });
  const header = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: process.env.STRIPE_WEBHOOK_SECRET ?? DEMO_DEFAULTS.STRIPE_WEBHOOK_SECRET,
  });
  const res = await fetch(`${base()}/api/webhooks/stripe`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": header },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A customer known everywhere: signed up, paid (Stripe), contact in HubSpot, a ticket in Zendesk. */
export async function seedCustomer(opts: { appUserId?: string; plan?: string } = {}) {
  const appUserId = opts.appUserId ?? uniqueId("user");
  const email = `${appUserId}@example.com`;
  const cus = `cus_${appUserId}`;
  const sub = `sub_${appUserId}`;
  const urls = sandboxUrls();
  await control.seed(urls.stripe, [
    { object: "customer", id: cus, email, metadata: { app_user_id: appUserId } },
    {
      object: "subscription",
      id: sub,
      customer: cus,
      status: "active",
      price: { id: "price_pro", lookup_key: opts.plan ?? "pro" },
      current_period_end: Math.floor(Date.now() / 1000) + 30 * 86400,
    },
  ]);
  await postApp("user.signed_up", { userId: appUserId, email, name: "Grace Hopper" });
  await postStripe("checkout.session.completed", {
    id: uniqueId("cs"),
    object: "checkout.session",
    mode: "subscription",
    customer: cus,
    subscription: sub,
    client_reference_id: appUserId,
    payment_status: "paid",
  });
  const support = await postApp("support.requested", {
    requestId: uniqueId("req"),
    userId: appUserId,
    email,
    subject: "Cannot restore purchase",
    message: "Restore does nothing",
    context: { platform: "ios", appVersion: "2.4.1" },
  });
  return { appUserId, email, stripeCustomerId: cus, subscriptionId: sub, reference: support.body.reference as string };
}

/** Makes the next `times` HubSpot upserts fail permanently (400), so events fail and can be replayed. */
/**
 * Waits until no event is waiting or running (the suite shares one server: a previous spec's events still in
 * flight would share a HubSpot batch with the next one's, and use up a one-time fault meant for it).
 */
export async function settled(timeoutMs = 30_000) {
  await eventually(async () => {
    const res = await fetch(`${base()}/api/health`, {
      headers: { authorization: `Bearer ${DEMO_DEFAULTS.ADMIN_API_TOKEN}` },
    });
    const body = (await res.json()) as { backlog?: { received: number; processing: number } | null };
    if (!body.backlog || body.backlog.received + body.backlog.processing > 0)
      throw new Error(`events still in flight: ${JSON.stringify(body.backlog)}`);
  }, timeoutMs);
}

export async function failHubspot(times: number | "always" = 1) {
  await control.fault(sandboxUrls().hubspot, {
    path: "/crm/v3/objects/contacts/batch/upsert",
    status: 400,
    times,
    body: {
      status: "error",
      category: "VALIDATION_ERROR",
      message: "Property values were not valid (injected by the test)",
    },
  });
}

export async function healHubspot() {
  await control.clearFaults(sandboxUrls().hubspot);
}

/** Polls until `check` passes (events are processed after the webhook answers). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
