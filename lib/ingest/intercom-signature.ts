// Intercom's webhook signature: `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw body>` keyed with the app's
// client secret (INTERCOM_WEBHOOK_SECRET). Intercom signs no timestamp: a replayed notification is stopped by
// store-once on its id, and an old state never overwrites a newer one (applyTicketStatus compares times).
import { createHmac, timingSafeEqual } from "node:crypto";
import type { SignatureCheck } from "@/lib/app-events/signature";

export function signIntercomPayload(body: string, secret: string): string {
  return `sha1=${createHmac("sha1", secret).update(body).digest("hex")}`;
}

/** Compares in constant time; the header's hex is read case-insensitively. */
export function verifyIntercomSignature(header: string | null, body: string, secret: string): SignatureCheck {
  if (!header) return { ok: false, code: "missing_signature", reason: "Missing X-Hub-Signature header." };
  const m = /^sha1=([0-9a-fA-F]{40})$/.exec(header.trim());
  if (!m)
    return {
      ok: false,
      code: "malformed_signature",
      reason: "Malformed X-Hub-Signature header: expected sha1=<40 hex digits>.",
    };
  const expected = createHmac("sha1", secret).update(body).digest();
  const given = Buffer.from(m[1], "hex");
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { ok: true }
    : {
        ok: false,
        code: "bad_signature",
        reason: "X-Hub-Signature does not match the body: check INTERCOM_WEBHOOK_SECRET (your app's client secret).",
      };
}
