// How the uptime probe's unsigned webhook POST is told apart from a stranger's, so that the founder's Rejected
// deliveries list and the signature-failure alert are not filled with our own probe once a minute, while
// anyone else's refused request is still recorded. The probe sends a short-lived token (an HMAC of the time
// under a key derived from AUTH_SECRET) in a header; the Stripe route skips recording a refusal only when the
// token is valid AND the request is exactly the probe: no Stripe-Signature and the body `{}`. A stranger
// cannot make a token, and even a token seen in transit hides nothing but a request that does nothing.
// No database, no Next imports: the node:http fast path loads the webhook routes outside Next's bundle.
import { createHmac } from "node:crypto";
import { secretsEqual } from "@/lib/auth/secrets";

export const UPTIME_PROBE_HEADER = "x-ops-uptime-probe";
/** The probe's body: what the readiness webhook-route check sends too. */
export const UPTIME_PROBE_BODY = "{}";
/** How far a token's time may lie from the server's clock (two ticks, and instances' clocks a little apart). */
const VALID_FOR_SECONDS = 120;

function sign(secret: string, seconds: number): string {
  const key = createHmac("sha256", secret).update("ops-console:uptime-probe:v1").digest();
  return createHmac("sha256", key).update(String(seconds)).digest("hex");
}

/** The header value for a probe sent now: `<unix seconds>.<hmac>`; "" without a secret (then nothing is exempt). */
export function uptimeProbeToken(secret: string | undefined, now = new Date()): string {
  if (!secret) return "";
  const seconds = Math.floor(now.getTime() / 1000);
  return `${seconds}.${sign(secret, seconds)}`;
}

/** Whether the token is ours and recent. */
export function validUptimeProbeToken(token: string | null, secret: string | undefined, now = new Date()): boolean {
  if (!token || !secret) return false;
  const match = /^(\d{1,12})\.([0-9a-f]{64})$/.exec(token);
  if (!match) return false;
  const seconds = Number(match[1]);
  if (Math.abs(now.getTime() / 1000 - seconds) > VALID_FOR_SECONDS) return false;
  return secretsEqual(match[2], sign(secret, seconds));
}

/**
 * Whether an unsigned webhook request is our own uptime probe, whose refusal need not be recorded: a valid
 * token, no signature header, and exactly the probe's body.
 */
export function isUptimeProbe(
  req: { headers: Headers },
  body: string,
  secret: string | undefined,
  now = new Date(),
): boolean {
  if (req.headers.has("stripe-signature") || body !== UPTIME_PROBE_BODY) return false;
  return validUptimeProbeToken(req.headers.get(UPTIME_PROBE_HEADER), secret, now);
}
