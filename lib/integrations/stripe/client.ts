// The real Stripe SDK, pointed at STRIPE_API_BASE when set (the sandbox in the demo and tests).
import Stripe from "stripe";

export type StripeConfig = { secretKey: string; apiBase?: string; timeoutMs?: number };

export function createStripeClient({ secretKey, apiBase, timeoutMs = 10_000 }: StripeConfig): Stripe {
  const options: Stripe.StripeConfig = { maxNetworkRetries: 2, timeout: timeoutMs, telemetry: false };
  if (apiBase) {
    const url = new URL(apiBase);
    options.host = url.hostname;
    options.port = url.port || (url.protocol === "https:" ? 443 : 80);
    options.protocol = url.protocol === "https:" ? "https" : "http";
  }
  return new Stripe(secretKey, options);
}

/** Verifies a webhook with Stripe's own scheme (every `v1` is tried; 300 s tolerance). */
export function verifyStripeWebhook(body: string, header: string, secret: string): Stripe.Event {
  return Stripe.webhooks.constructEvent(body, header, secret, 300);
}
