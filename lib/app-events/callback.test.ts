// verifyAppCallback, as the app's backend runs it on the console's callbacks: a good one is accepted and
// parsed; a wrong secret, a modified body, an old or missing signature, a body that is not JSON or not a
// callback are refused with a 400 and a stable code.
import { describe, expect, it } from "vitest";
import { verifyAppCallback, type AppCallback } from "./callback";
import { signAppPayload } from "./signature";

const secret = "appsec_test_secret_0123456789";
const now = 1_800_000_000;

const entitlementChanged: AppCallback = {
  id: "ent_7d3c2b1a-0000-4000-8000-000000000001",
  type: "entitlement.changed",
  created: "2027-01-15T10:00:00.000Z",
  data: {
    appUserId: "u_123",
    entitlement: {
      status: "active",
      plan: "pro",
      currentPeriodEnd: "2027-02-15T10:00:00.000Z",
      cancelAtPeriodEnd: false,
      access: true,
    },
  },
};

const supportUpdated: AppCallback = {
  id: "sup_7d3c2b1a-0000-4000-8000-000000000002",
  type: "support.updated",
  created: "2027-01-15T10:05:00.000Z",
  data: {
    appUserId: "u_123",
    ticket: {
      reference: "SUP-ABC123",
      subject: "Cannot restore purchase",
      status: "open",
      updatedAt: "2027-01-15T10:05:00.000Z",
    },
  },
};

const signed = (body: string, t = now, s = secret) => signAppPayload(body, s, t);
const verify = (header: string | null, body: string) => verifyAppCallback(header, body, secret, now);

describe("verifyAppCallback", () => {
  it.each([entitlementChanged, supportUpdated])("accepts and parses a signed $type", (callback) => {
    const body = JSON.stringify(callback);
    expect(verify(signed(body), body)).toEqual({ ok: true, callback });
  });

  it("accepts a header carrying several v1 signatures while the secret is rolled", () => {
    const body = JSON.stringify(entitlementChanged);
    const old = signed(body, now, "the_previous_secret_0123456").split(",")[1];
    expect(verify(`${signed(body)},${old}`, body)).toMatchObject({ ok: true });
  });

  it("uses the current time when none is given", () => {
    const body = JSON.stringify(entitlementChanged);
    expect(verifyAppCallback(signAppPayload(body, secret), body, secret)).toMatchObject({ ok: true });
  });

  it.each([
    ["bad_signature", "another secret", (b: string) => signed(b, now, "another_secret_0123456789"), (b: string) => b],
    ["bad_signature", "a modified body", (b: string) => signed(b), (b: string) => b.replace('"pro"', '"team"')],
    ["stale_timestamp", "a signature older than 300 s", (b: string) => signed(b, now - 301), (b: string) => b],
    ["future_timestamp", "a signature from the future", (b: string) => signed(b, now + 301), (b: string) => b],
    ["missing_signature", "no header", () => null, (b: string) => b],
    ["malformed_signature", "a header of another scheme", () => "sha256=deadbeef", (b: string) => b],
  ])("refuses %s: %s", (code, _what, headerOf, bodyOf) => {
    const body = JSON.stringify(entitlementChanged);
    const result = verify(headerOf(body), bodyOf(body));
    expect(result).toMatchObject({ ok: false, status: 400, code });
    if (!result.ok) expect(result.reason).toBeTruthy();
  });

  it("refuses a signed body that is not JSON", () => {
    const body = '{"id":"ent_1",';
    expect(verify(signed(body), body)).toEqual({
      ok: false,
      status: 400,
      code: "malformed_body",
      reason: "Body is not valid JSON.",
    });
  });

  it.each([
    ["an app event", { id: "evt_1", type: "user.signed_up", created: "2027-01-15T10:00:00Z", data: { userId: "u" } }],
    ["no id", { ...entitlementChanged, id: undefined }],
    ["a numeric id", { ...entitlementChanged, id: 42 }],
    ["no created", { ...entitlementChanged, created: undefined }],
    ["no data", { ...entitlementChanged, data: undefined }],
    ["data null", { ...entitlementChanged, data: null }],
    ["data without appUserId", { ...entitlementChanged, data: { entitlement: { status: "active" } } }],
    ["entitlement.changed without entitlement", { ...entitlementChanged, data: { appUserId: "u" } }],
    ["support.updated without ticket", { ...entitlementChanged, type: "support.updated" }],
    ["JSON null", null],
    ["a JSON string", "entitlement.changed"],
    ["a JSON array", [entitlementChanged]],
  ])("refuses signed JSON that is not a callback: %s", (_what, value) => {
    const body = JSON.stringify(value);
    expect(verify(signed(body), body)).toMatchObject({ ok: false, status: 400, code: "invalid_callback" });
  });

  it("checks the signature before parsing: an unsigned non-callback says the signature is missing", () => {
    expect(verify(null, "not json")).toMatchObject({ ok: false, code: "missing_signature" });
  });
});
