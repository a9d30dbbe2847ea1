// The App-Signature verifier: each refusal has its own code; old and future timestamps are both refused.
import { describe, expect, it } from "vitest";
import { signAppPayload, verifyAppSignature } from "./signature";

const secret = "appsec_test_secret_0123456789";
const now = 1_800_000_000;
const check = (header: string | null, body = "{}") => verifyAppSignature(header, body, secret, now);

describe("verifyAppSignature", () => {
  it("accepts a signature within 300 s either way", () => {
    expect(check(signAppPayload("{}", secret, now - 300))).toEqual({ ok: true });
    expect(check(signAppPayload("{}", secret, now + 300))).toEqual({ ok: true });
  });

  it.each([
    ["missing_signature", null],
    ["malformed_signature", "sha256=deadbeef"],
    ["malformed_signature", `t=abc,v1=${"0".repeat(64)}`],
    ["stale_timestamp", signAppPayload("{}", secret, now - 301)],
    ["future_timestamp", signAppPayload("{}", secret, now + 301)],
    ["bad_signature", signAppPayload("{}", "another_secret_0123456789", now)],
    ["bad_signature", signAppPayload('{"x":1}', secret, now)],
  ])("%s: %s", (code, header) => {
    const result = check(header);
    expect(result).toMatchObject({ ok: false, code });
    if (code === "future_timestamp")
      expect(result).toMatchObject({ reason: expect.stringMatching(/301 s in the future/) });
  });
});
