// The App-Signature scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, like Stripe's.
// Dependency-free so the app's backend (an Expo API route, a Firebase function) can copy it as is.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signAppPayload(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Accepts any `v1` in the header (several are sent while a secret is rolled); compares in constant time. */
export function verifyAppSignature(
  header: string | null,
  body: string,
  secret: string,
  now = Math.floor(Date.now() / 1000),
  tolerance = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: "Missing App-Signature header." };
  const parts = header.split(",").map((p) => p.trim().split("="));
  const t = Number(parts.find(([k]) => k === "t")?.[1]);
  const signatures = parts.filter(([k, v]) => k === "v1" && v).map(([, v]) => v);
  if (!Number.isInteger(t) || signatures.length === 0)
    return { ok: false, reason: "Malformed App-Signature header: expected t=<unix>,v1=<hex>." };
  if (Math.abs(now - t) > tolerance)
    return { ok: false, reason: `App-Signature timestamp is outside the ${tolerance} s tolerance.` };
  const expected = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"), "utf8");
  const match = signatures.some((sig) => {
    const given = Buffer.from(sig, "utf8");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return match
    ? { ok: true }
    : { ok: false, reason: "App-Signature does not match the body (wrong secret or modified body)." };
}
