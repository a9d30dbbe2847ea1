// Zendesk's webhook signing: `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(secret, timestamp + body)),
// `X-Zendesk-Webhook-Signature-Timestamp` = the ISO 8601 time it was signed, concatenated exactly as sent.
// Answers the same SignatureCheck (codes and wording) as the App-Signature verifier.
import { createHmac, timingSafeEqual } from "node:crypto";
import { SIGNATURE_TOLERANCE_SECONDS, type SignatureCheck } from "@/lib/app-events/signature";

export const ZENDESK_SIGNATURE_HEADER = "x-zendesk-webhook-signature";
export const ZENDESK_TIMESTAMP_HEADER = "x-zendesk-webhook-signature-timestamp";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The signature Zendesk would send for this body at this timestamp (the sandbox and the tests sign with it). */
export function signZendeskPayload(body: string, secret: string, timestamp: string): string {
  return createHmac("sha256", secret).update(`${timestamp}${body}`).digest("base64");
}

/** Headers of a signed delivery: the timestamp is ISO 8601 without milliseconds, as Zendesk sends it. */
export function zendeskSignatureHeaders(body: string, secret: string, at = new Date()): Record<string, string> {
  const timestamp = `${at.toISOString().slice(0, 19)}Z`;
  return {
    [ZENDESK_SIGNATURE_HEADER]: signZendeskPayload(body, secret, timestamp),
    [ZENDESK_TIMESTAMP_HEADER]: timestamp,
  };
}

export function verifyZendeskSignature(
  signature: string | null,
  timestamp: string | null,
  body: string,
  secret: string,
  now = Math.floor(Date.now() / 1000),
  tolerance = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!signature)
    return { ok: false, code: "missing_signature", reason: "Missing X-Zendesk-Webhook-Signature header." };
  if (!timestamp)
    return { ok: false, code: "missing_signature", reason: "Missing X-Zendesk-Webhook-Signature-Timestamp header." };
  const ms = Date.parse(timestamp);
  const given = signature.trim();
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(timestamp))
    return {
      ok: false,
      code: "malformed_signature",
      reason: "Malformed X-Zendesk-Webhook-Signature-Timestamp header: expected an ISO 8601 time.",
    };
  if (!BASE64.test(given) || given.length > 200)
    return {
      ok: false,
      code: "malformed_signature",
      reason: "Malformed X-Zendesk-Webhook-Signature header: expected a base64 HMAC-SHA256.",
    };
  const t = Math.floor(ms / 1000);
  if (now - t > tolerance)
    return {
      ok: false,
      code: "stale_timestamp",
      reason: `Zendesk signature timestamp is outside the ${tolerance} s tolerance: it is ${now - t} s old.`,
    };
  if (t - now > tolerance)
    return {
      ok: false,
      code: "future_timestamp",
      reason: `Zendesk signature timestamp is outside the ${tolerance} s tolerance: it is ${t - now} s in the future (check Zendesk's clock and this server's).`,
    };
  const expected = createHmac("sha256", secret).update(`${timestamp}${body}`).digest();
  const got = Buffer.from(given, "base64");
  return got.length === expected.length && timingSafeEqual(got, expected)
    ? { ok: true }
    : {
        ok: false,
        code: "bad_signature",
        reason: "X-Zendesk-Webhook-Signature does not match the body (wrong ZENDESK_WEBHOOK_SECRET or modified body).",
      };
}
