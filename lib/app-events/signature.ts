// The App-Signature scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, like Stripe's.
// Dependency-free so the app's backend (an Expo API route, a Firebase function) can copy it as is.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signAppPayload(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

/** Why a signature was refused: a stable code (recorded with the refusal) and a message for the sender. */
export type SignatureFailure =
  | "missing_signature"
  | "malformed_signature"
  | "stale_timestamp"
  | "future_timestamp"
  | "bad_signature";
export type SignatureCheck = { ok: true } | { ok: false; code: SignatureFailure; reason: string };

/** Accepts any `v1` in the header (several are sent while a secret is rolled); compares in constant time. */
export function verifyAppSignature(
  header: string | null,
  body: string,
  secret: string,
  now = Math.floor(Date.now() / 1000),
  tolerance = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, code: "missing_signature", reason: "Missing App-Signature header." };
  const parts = header.split(",").map((p) => p.trim().split("="));
  const t = Number(parts.find(([k]) => k === "t")?.[1]);
  const signatures = parts.filter(([k, v]) => k === "v1" && v).map(([, v]) => v);
  if (!Number.isInteger(t) || signatures.length === 0)
    return {
      ok: false,
      code: "malformed_signature",
      reason: "Malformed App-Signature header: expected t=<unix>,v1=<hex>.",
    };
  if (now - t > tolerance)
    return {
      ok: false,
      code: "stale_timestamp",
      reason: `App-Signature timestamp is outside the ${tolerance} s tolerance: it is ${now - t} s old.`,
    };
  if (t - now > tolerance)
    return {
      ok: false,
      code: "future_timestamp",
      reason: `App-Signature timestamp is outside the ${tolerance} s tolerance: it is ${t - now} s in the future (check the sender's clock and this server's).`,
    };
  const expected = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"), "utf8");
  const match = signatures.some((sig) => {
    const given = Buffer.from(sig, "utf8");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return match
    ? { ok: true }
    : {
        ok: false,
        code: "bad_signature",
        reason: "App-Signature does not match the body (wrong secret or modified body).",
      };
}
