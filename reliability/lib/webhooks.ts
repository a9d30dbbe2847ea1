// Signed deliveries as Stripe and the app's backend make them, and the event bodies the scenarios send.
import { createHmac } from "node:crypto";

export const now = () => Math.floor(Date.now() / 1000);

/** `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`: the scheme of both Stripe-Signature and App-Signature. */
export function sign(body: string | Uint8Array, secret: string, t = now()): string {
  const v1 = createHmac("sha256", secret)
    .update(Buffer.concat([Buffer.from(`${t}.`), Buffer.from(body)]))
    .digest("hex");
  return `t=${t},v1=${v1}`;
}

export type Reply = {
  status: number;
  text: string;
  json: Record<string, unknown> | undefined;
  headers: Headers | undefined;
  error?: string;
};

/** A POST that never throws: a refused or cut connection answers status 0 with the error. */
export async function send(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Reply> {
  try {
    const res = await fetch(url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
      ...init,
    });
    const text = await res.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json, headers: res.headers };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return {
      status: 0,
      text: "",
      json: undefined,
      headers: undefined,
      error: cause ?? (err as Error).name ?? String(err),
    };
  }
}

export type Delivery = { route: "app" | "stripe"; id: string; body: string };

export type SendOptions = { secret: string; forwardedFor?: string; t?: number };

export function deliver(baseUrl: string, d: Delivery, opts: SendOptions): Promise<Reply> {
  const header = d.route === "app" ? "app-signature" : "stripe-signature";
  return send(`${baseUrl}/api/webhooks/${d.route}`, {
    headers: {
      "content-type": "application/json",
      [header]: sign(d.body, opts.secret, opts.t),
      ...(opts.forwardedFor ? { "x-forwarded-for": opts.forwardedFor } : {}),
    },
    body: d.body,
  });
}

export function appEvent(id: string, type: string, data: unknown, created = new Date().toISOString()): Delivery {
  return { route: "app", id, body: JSON.stringify({ id, type, created, data }) };
}

export function signup(id: string, userId: string, email: string, name = "Ada Lovelace"): Delivery {
  return appEvent(id, "user.signed_up", { userId, email, name });
}

export function supportRequest(id: string, requestId: string, userId: string, email: string): Delivery {
  return appEvent(id, "support.requested", {
    requestId,
    userId,
    email,
    subject: "Restore purchase does nothing",
    message: "I tapped Restore and nothing happened.",
    context: {
      platform: "ios",
      osVersion: "18.1",
      appVersion: "2.4.1",
      device: "iPhone 15",
      screen: "Paywall",
      locale: "en-GB",
    },
  });
}

export function stripeEvent(id: string, type: string, object: Record<string, unknown>, created = now()): Delivery {
  return {
    route: "stripe",
    id,
    body: JSON.stringify({
      id,
      object: "event",
      api_version: "2024-06-20",
      created,
      livemode: false,
      type,
      data: { object },
    }),
  };
}

/** checkout.session.completed for a subscription seeded in the Stripe sandbox (see seedSubscription). */
export function checkoutCompleted(
  id: string,
  appUserId: string,
  email: string,
  customer: string,
  subscription: string,
): Delivery {
  return stripeEvent(id, "checkout.session.completed", {
    id: `cs_${id.slice(4)}`,
    object: "checkout.session",
    mode: "subscription",
    customer,
    subscription,
    client_reference_id: appUserId,
    customer_details: { email },
    payment_status: "paid",
    status: "complete",
  });
}

/** The Stripe objects a checkout refers to, for the sandbox's POST /__sandbox/objects. */
export function seedSubscription(appUserId: string, email: string, customer: string, subscription: string) {
  return [
    { object: "customer", id: customer, email, metadata: { app_user_id: appUserId } },
    {
      object: "subscription",
      id: subscription,
      customer,
      status: "active",
      price: { id: "price_pro", lookup_key: "pro" },
      current_period_end: now() + 30 * 86400,
    },
  ];
}
