// The Zendesk webhook signature verifier: base64 HMAC of timestamp + body, 300 s either way, one code per refusal.
import { describe, expect, it } from "vitest";
import { signZendeskPayload, verifyZendeskSignature, zendeskSignatureHeaders } from "./zendesk-signature";

const secret = "zdsec_test_secret_0123456789";
const now = 1_800_000_000;
const iso = (unix: number) => `${new Date(unix * 1000).toISOString().slice(0, 19)}Z`;
const check = (signature: string | null, timestamp: string | null, body = "{}") =>
  verifyZendeskSignature(signature, timestamp, body, secret, now);

describe("verifyZendeskSignature", () => {
  it("accepts a signature within 300 s either way, with the timestamp exactly as sent", () => {
    for (const t of [now - 300, now, now + 300])
      expect(check(signZendeskPayload("{}", secret, iso(t)), iso(t))).toEqual({ ok: true });
    const withMs = new Date(now * 1000).toISOString();
    expect(check(signZendeskPayload("{}", secret, withMs), withMs)).toEqual({ ok: true });
  });

  it("signs the way the headers helper says", () => {
    const headers = zendeskSignatureHeaders('{"a":1}', secret, new Date(now * 1000));
    expect(
      verifyZendeskSignature(
        headers["x-zendesk-webhook-signature"]!,
        headers["x-zendesk-webhook-signature-timestamp"]!,
        '{"a":1}',
        secret,
        now,
      ),
    ).toEqual({ ok: true });
  });

  it.each([
    ["missing_signature", null, iso(now)],
    ["missing_signature", signZendeskPayload("{}", secret, iso(now)), null],
    ["malformed_signature", signZendeskPayload("{}", secret, iso(now)), "yesterday"],
    ["malformed_signature", "not base64 !!", iso(now)],
    ["stale_timestamp", signZendeskPayload("{}", secret, iso(now - 301)), iso(now - 301)],
    ["future_timestamp", signZendeskPayload("{}", secret, iso(now + 301)), iso(now + 301)],
    ["bad_signature", signZendeskPayload("{}", "another_secret_0123456789", iso(now)), iso(now)],
    ["bad_signature", signZendeskPayload('{"x":1}', secret, iso(now)), iso(now)],
    // Signed for another timestamp than the one sent.
    ["bad_signature", signZendeskPayload("{}", secret, iso(now - 1)), iso(now)],
  ])("%s", (code, signature, timestamp) => {
    expect(check(signature, timestamp)).toMatchObject({ ok: false, code });
  });
});
