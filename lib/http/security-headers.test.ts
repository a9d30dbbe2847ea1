// The header lists and the Content-Security-Policy every response and page carry (lib/http/security-headers.ts).
import { describe, expect, it } from "vitest";
import {
  BASE_SECURITY_HEADERS,
  contentSecurityPolicy,
  createNonce,
  HSTS_HEADER,
  nonceOf,
  securityHeaders,
  servedOverHttps,
} from "./security-headers";

const asObject = (headers: { key: string; value: string }[]) =>
  Object.fromEntries(headers.map((h) => [h.key, h.value]));

describe("securityHeaders", () => {
  it("always forbids framing and sniffing, trims the referrer and turns off camera, microphone and location", () => {
    expect(asObject(securityHeaders({ https: false }))).toEqual({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    });
  });

  it("adds Strict-Transport-Security (two years, subdomains) only over HTTPS", () => {
    expect(asObject(securityHeaders({ https: true }))).toEqual({
      ...asObject([...BASE_SECURITY_HEADERS]),
      "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    });
    expect(securityHeaders({ https: false }).some((h) => h.key === HSTS_HEADER.key)).toBe(false);
  });

  it("has one entry per header, none of them a CSP (pages get theirs, with a nonce, from proxy.ts)", () => {
    const keys = securityHeaders({ https: true }).map((h) => h.key.toLowerCase());
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).not.toContain("content-security-policy");
  });
});

describe("servedOverHttps", () => {
  it("is true in production and for an https APP_URL, false for a demo or development on http", () => {
    expect(servedOverHttps({ isProduction: true })).toBe(true);
    expect(servedOverHttps({ isProduction: true, APP_URL: "http://10.0.0.5:3000" })).toBe(true);
    expect(servedOverHttps({ isProduction: false, APP_URL: "https://ops.example.com" })).toBe(true);
    expect(servedOverHttps({ isProduction: false, APP_URL: "HTTPS://ops.example.com" })).toBe(true);
    expect(servedOverHttps({ isProduction: false })).toBe(false);
    expect(servedOverHttps({ isProduction: false, APP_URL: "http://localhost:3000" })).toBe(false);
    expect(servedOverHttps({ isProduction: false, APP_URL: "http://https.example.com" })).toBe(false);
  });
});

describe("contentSecurityPolicy", () => {
  const directives = (csp: string) =>
    Object.fromEntries(
      csp.split(";").map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(" ")];
      }),
    );

  it("allows only this response's scripts, same-origin everything else, and no framing", () => {
    expect(directives(contentSecurityPolicy("abc123==", { dev: false }))).toEqual({
      "default-src": "'self'",
      "script-src": "'self' 'nonce-abc123==' 'strict-dynamic'",
      "style-src": "'self' 'unsafe-inline'",
      "img-src": "'self' data: blob:",
      "font-src": "'self'",
      "object-src": "'none'",
      "base-uri": "'self'",
      "form-action": "'self'",
      "frame-ancestors": "'none'",
      "connect-src": "'self'",
    });
  });

  it("adds 'unsafe-eval' to scripts under next dev only", () => {
    expect(directives(contentSecurityPolicy("n", { dev: true }))["script-src"]).toBe(
      "'self' 'nonce-n' 'strict-dynamic' 'unsafe-eval'",
    );
    expect(contentSecurityPolicy("n", { dev: false })).not.toContain("unsafe-eval");
  });

  it("never allows inline scripts, and keeps 'unsafe-inline' styles working (no nonce in style-src)", () => {
    const d = directives(contentSecurityPolicy("n", { dev: false }));
    expect(d["script-src"]).not.toContain("unsafe-inline");
    expect(d["style-src"]).not.toContain("nonce-");
  });

  it("reads back the nonce it was given", () => {
    const nonce = createNonce();
    expect(nonceOf(contentSecurityPolicy(nonce, { dev: false }))).toBe(nonce);
    expect(nonceOf("default-src 'self'")).toBeUndefined();
    expect(nonceOf(null)).toBeUndefined();
  });
});

describe("createNonce", () => {
  it("is 128 random bits in base64, different every time", () => {
    const nonces = new Set(Array.from({ length: 1000 }, createNonce));
    expect(nonces.size).toBe(1000);
    for (const n of nonces) {
      expect(n).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(Buffer.from(n, "base64").byteLength).toBe(16);
    }
  });
});
