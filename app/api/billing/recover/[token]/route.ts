// GET /api/billing/recover/:token — the payment-recovery link we hand out (app API `billing.recoveryUrl`, the
// card-update message): public, rate-limited per address. A valid token opens a Stripe billing-portal session
// now (303 to it); a forged or expired one answers a small 400 page saying the link expired.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { getDb } from "@/db";
import { clientAddress } from "@/lib/auth/client-address";
import { openBillingPortal, verifyRecoveryToken } from "@/lib/billing/recovery-link";
import { getServices } from "@/lib/integrations";
import { log } from "@/lib/log";

type Params = { params: Promise<{ token: string }> };

/** Clicks per address per minute: a person clicks a few times; a token-guessing loop is cut short. */
const limiter = new RateLimiterMemory({ keyPrefix: "billing-recover", points: 20, duration: 60 });

function page(status: number, title: string, text: string, headers: Record<string, string> = {}): Response {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)}</title></head><body><main><h1>${esc(title)}</h1><p>${esc(text)}</p></main></body></html>`;
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
      ...headers,
    },
  });
}

export async function GET(req: Request, { params }: Params) {
  try {
    await limiter.consume(clientAddress(req.headers));
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    return page(429, "Too many attempts", `Please wait ${seconds} seconds and open the link again.`, {
      "retry-after": String(seconds),
    });
  }
  // base64url and a dot: nothing in a valid token is percent-encoded (and a malformed escape must not throw).
  const checked = verifyRecoveryToken((await params).token);
  if (!checked.ok)
    return page(
      400,
      "This link has expired",
      "This payment link has expired or is not valid. Open the app again to get a new link to update your payment method.",
    );
  try {
    const opened = await openBillingPortal(await getDb(), getServices().stripe, checked.customerId);
    if (!opened.ok)
      return page(
        400,
        "This link has expired",
        "This payment link can no longer be used. Open the app again to see how to update your payment method.",
      );
    return new Response(null, { status: 303, headers: { location: opened.url, "cache-control": "no-store" } });
  } catch (err) {
    log.warn("billing.portal_session_failed", { error: err instanceof Error ? err.message : String(err) });
    return page(
      502,
      "Please try again",
      "We could not open the billing page just now. Please try the link again in a minute.",
    );
  }
}
