// SPF, DKIM and DMARC checks against a local UDP DNS responder, queried through dns.Resolver#setServers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReadinessChecks } from "./run";
import { startDnsServer, type DnsServer } from "./test-servers";
import type { ReadinessCheck } from "./types";

const LONG_KEY = `MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA${"x".repeat(300)}IDAQAB`;

let dns: DnsServer;
beforeAll(async () => {
  dns = await startDnsServer({
    "good.test": { TXT: [["v=spf1 include:mail.zendesk.com ~all"], ["google-site-verification=abc"]] },
    // A 2048-bit key does not fit one 255-byte TXT string: it arrives in chunks.
    "zendesk1._domainkey.good.test": { TXT: [["v=DKIM1; k=rsa; p=", LONG_KEY.slice(0, 200), LONG_KEY.slice(200)]] },
    "_dmarc.good.test": { TXT: [["v=DMARC1; p=reject; rua=mailto:dmarc@good.test"]] },
    "google._domainkey.good.test": { TXT: [["v=DKIM1; k=rsa; p=MIGfMA0"]] },
    "bare.test": { A: ["203.0.113.9"] },
    "twospf.test": { TXT: [["v=spf1 include:a.test ~all"], ["v=spf1 include:b.test -all"]] },
    "_dmarc.twospf.test": { TXT: [["v=DMARC1; p=none"]] },
    "zendesk1._domainkey.twospf.test": { TXT: [["v=DKIM1; k=rsa; p="]] },
    "open.test": { TXT: [["v=spf1 +all"]] },
    "_dmarc.open.test": { TXT: [["v=DMARC1; rua=mailto:x@open.test"]] },
    "zendesk1._domainkey.open.test": { TXT: [["k=rsa; p=MIGfMA0"]] },
    "soft.test": { TXT: [["v=spf1 include:mail.zendesk.com ?all"]] },
    "broken.test": { SERVFAIL: true },
  });
});
afterAll(async () => {
  await dns?.close();
});

async function emailChecks(env: Record<string, string>): Promise<Record<string, ReadinessCheck>> {
  const checks = await runReadinessChecks({
    env: { NODE_ENV: "development", ...env },
    groups: ["email"],
    resolver: dns.resolver,
    timeoutMs: 10_000,
  });
  return Object.fromEntries(checks.map((c) => [c.id, c]));
}

describe("email domain checks", () => {
  it("pass one SPF record, a DKIM key at the selector and an enforcing DMARC policy", async () => {
    const c = await emailChecks({ EMAIL_DOMAIN: "good.test" });
    expect(Object.keys(c)).toEqual(["email.spf", "email.dkim", "email.dmarc"]);
    expect(c["email.spf"]).toMatchObject({ status: "pass", detail: "v=spf1 include:mail.zendesk.com ~all" });
    expect(c["email.dkim"]).toMatchObject({
      status: "pass",
      detail: "zendesk1._domainkey.good.test publishes a DKIM key (v=DKIM1, k=rsa).",
    });
    expect(c["email.dmarc"]).toMatchObject({ status: "pass", detail: "DMARC policy is p=reject." });
    expect(dns.queries).toEqual(
      expect.arrayContaining(["TXT good.test", "TXT zendesk1._domainkey.good.test", "TXT _dmarc.good.test"]),
    );
  });

  it("look DKIM up at DKIM_SELECTOR", async () => {
    const c = await emailChecks({ EMAIL_DOMAIN: "good.test", DKIM_SELECTOR: "google" });
    expect(c["email.dkim"]).toMatchObject({
      status: "pass",
      detail: "google._domainkey.good.test publishes a DKIM key (v=DKIM1, k=rsa).",
    });
  });

  it("fail all three when the domain publishes none of them", async () => {
    const c = await emailChecks({ EMAIL_DOMAIN: "bare.test" });
    expect(c["email.spf"]).toMatchObject({
      status: "fail",
      detail: "bare.test has no SPF record (a TXT record starting v=spf1).",
    });
    expect(c["email.dkim"]).toMatchObject({
      status: "fail",
      detail: "No DKIM record at zendesk1._domainkey.bare.test.",
    });
    expect(c["email.dkim"].fix).toContain("DKIM_SELECTOR");
    expect(c["email.dmarc"]).toMatchObject({ status: "fail", detail: "No DMARC record at _dmarc.bare.test." });
    expect(c["email.dmarc"].fix).toContain("v=DMARC1; p=quarantine");
  });

  it("fail two SPF records and a revoked DKIM key; warn on p=none", async () => {
    const c = await emailChecks({ EMAIL_DOMAIN: "twospf.test" });
    expect(c["email.spf"]).toMatchObject({ status: "fail" });
    expect(c["email.spf"].detail).toContain("has 2 SPF records");
    expect(c["email.spf"].fix).toBe("Merge them into a single v=spf1 record.");
    expect(c["email.dkim"]).toMatchObject({ status: "fail" });
    expect(c["email.dkim"].detail).toContain("empty key (p=)");
    expect(c["email.dmarc"]).toMatchObject({ status: "warn" });
    expect(c["email.dmarc"].detail).toContain("p=none");
  });

  it("fail SPF +all and a DMARC record without a policy; warn on DKIM without v=DKIM1", async () => {
    const c = await emailChecks({ EMAIL_DOMAIN: "open.test" });
    expect(c["email.spf"]).toMatchObject({ status: "fail" });
    expect(c["email.spf"].detail).toContain("anyone may send mail as open.test");
    expect(c["email.dmarc"]).toMatchObject({ status: "fail" });
    expect(c["email.dmarc"].detail).toContain("no valid policy");
    expect(c["email.dkim"]).toMatchObject({ status: "warn" });
  });

  it("warn on an SPF record that does not end in ~all or -all", async () => {
    const c = await emailChecks({ EMAIL_DOMAIN: "soft.test" });
    expect(c["email.spf"].status).toBe("warn");
  });

  it("fail when the domain's DNS does not answer properly", async () => {
    const c = await emailChecks({ EMAIL_DOMAIN: "broken.test" });
    expect(c["email.spf"]).toMatchObject({
      status: "fail",
      detail: "The DNS lookup of broken.test failed (ESERVFAIL).",
    });
  });

  it("only say what was not checked when EMAIL_DOMAIN is unset", async () => {
    const c = await emailChecks({});
    expect(Object.keys(c)).toEqual(["email.domain"]);
    expect(c["email.domain"]).toMatchObject({ status: "warn" });
  });
});
