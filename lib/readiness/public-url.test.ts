// Public-URL checks against local servers: a UDP DNS responder, HTTPS servers with certificates made
// by openssl (a CA passed as `ca`, self-signed, expiring, for another name), plain HTTP servers, and
// the real Stripe webhook route. APP_URL keeps its public host name; connections go to 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as stripeWebhookRoute } from "@/app/api/webhooks/stripe/route";
import { runReadinessChecks, type ReadinessOptions } from "./run";
import {
  closedPort,
  makeCertificates,
  startDnsServer,
  startHttpServer,
  startHttpsServer,
  type Certificates,
  type DnsServer,
  type Handler,
  type LocalServer,
} from "./test-servers";
import type { ReadinessCheck } from "./types";

const HOST = "ops.example.test";
const DAY = 86_400_000;

let certs: Certificates;
let dns: DnsServer;
const servers: LocalServer[] = [];
const https: Record<string, number> = {};
const http: Record<string, number> = {};
let webhookMode: "route" | 200 | 403 | 404 | 308 = "route";

/** Hands the request to the console's real route handler, as `next start` would. */
const realRoute: Handler = async (req, body, res) => {
  if (webhookMode !== "route") {
    const headers = webhookMode === 308 ? { location: `https://www.${HOST}${req.url}` } : {};
    res.writeHead(webhookMode, headers).end(webhookMode === 404 ? "Not found" : "{}");
    return;
  }
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
  const answer = await stripeWebhookRoute(
    new Request(`https://${req.headers.host}${req.url}`, { method: req.method, headers, body }),
  );
  res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
};
const ok: Handler = (_req, _body, res) => void res.writeHead(200).end("ok");

beforeAll(async () => {
  certs = makeCertificates();
  dns = await startDnsServer({
    [HOST]: { A: ["203.0.113.10"], AAAA: ["2001:db8::10"] },
    "v6only.example.test": { AAAA: ["2001:db8::20"] },
    "private.example.test": { A: ["10.0.0.5"] },
    "noaddress.example.test": { TXT: [["hello"]] },
  });
  const start = async (bag: Record<string, number>, name: string, server: Promise<LocalServer>) => {
    const s = await server;
    servers.push(s);
    bag[name] = s.port;
  };
  await Promise.all([
    start(https, "trusted", startHttpsServer(certs.signed([HOST], 90), realRoute)),
    start(https, "expiring", startHttpsServer(certs.signed([HOST], 7), ok)),
    start(https, "selfSigned", startHttpsServer(certs.selfSigned([HOST], 90), ok)),
    start(https, "otherName", startHttpsServer(certs.signed(["other.example.test"], 90), ok)),
    start(
      http,
      "redirect",
      startHttpServer(
        (req, _b, res) => void res.writeHead(301, { location: `https://${req.headers.host}${req.url}` }).end(),
      ),
    ),
    start(http, "plain", startHttpServer(ok)),
    start(
      http,
      "toHttp",
      startHttpServer((_req, _b, res) => void res.writeHead(302, { location: `http://${HOST}/sign-in` }).end()),
    ),
  ]);
  https.closed = await closedPort();
  http.closed = await closedPort();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await dns?.close();
  certs?.cleanup();
});

async function publicChecks(
  o: {
    httpsServer?: string;
    httpServer?: string;
    appUrl?: string;
    env?: Record<string, string>;
    trustCa?: boolean;
  } & Pick<ReadinessOptions, "now"> = {},
): Promise<Record<string, ReadinessCheck>> {
  const checks = await runReadinessChecks({
    env: { NODE_ENV: "development", APP_URL: o.appUrl ?? `https://${HOST}`, ...o.env },
    groups: ["public-url"],
    resolver: dns.resolver,
    network: {
      address: "127.0.0.1",
      httpsPort: https[o.httpsServer ?? "trusted"],
      httpPort: http[o.httpServer ?? "redirect"],
      ca: o.trustCa === false ? undefined : certs.ca.cert,
    },
    now: o.now,
    timeoutMs: 10_000,
  });
  return Object.fromEntries(checks.map((c) => [c.id, c]));
}

describe("public URL checks", () => {
  it("pass on a resolvable host with a trusted certificate, an HTTPS redirect and the real webhook route", async () => {
    const c = await publicChecks();
    expect(Object.keys(c)).toEqual([
      "public-url.dns",
      "public-url.tls",
      "public-url.https-redirect",
      "public-url.webhook-route",
    ]);
    expect(c["public-url.dns"]).toMatchObject({
      status: "pass",
      detail: `${HOST} resolves to 203.0.113.10, 2001:db8::10.`,
    });
    expect(c["public-url.tls"].status).toBe("pass");
    expect(c["public-url.tls"].detail).toMatch(
      /^Valid for (89|90) more days \(until \d{4}-\d\d-\d\d\), issued by Readiness Test CA, TLSv1\.3\.$/,
    );
    expect(c["public-url.https-redirect"]).toMatchObject({
      status: "pass",
      detail: `http://${HOST}/ redirects (301) to https://${HOST}/.`,
    });
    expect(c["public-url.webhook-route"]).toMatchObject({
      status: "pass",
      detail: `POST https://${HOST}/api/webhooks/stripe without a signature answers 400, as it should.`,
    });
  });

  it("only say what was not checked when APP_URL is unset", async () => {
    const checks = await runReadinessChecks({
      env: { NODE_ENV: "development" },
      groups: ["public-url"],
      resolver: dns.resolver,
    });
    expect(checks.map((c) => [c.id, c.status])).toEqual([["public-url.app-url", "warn"]]);
  });
});

describe("DNS check", () => {
  it("fails a host that does not exist, or has no address", async () => {
    const missing = await publicChecks({ appUrl: "https://missing.example.test" });
    expect(missing["public-url.dns"]).toMatchObject({
      status: "fail",
      detail: "missing.example.test does not exist in DNS (NXDOMAIN).",
    });
    expect(missing["public-url.dns"].fix).toContain("Create an A, AAAA or CNAME record for missing.example.test");
    const none = await publicChecks({ appUrl: "https://noaddress.example.test" });
    expect(none["public-url.dns"]).toMatchObject({
      status: "fail",
      detail: "noaddress.example.test has no A or AAAA record.",
    });
  });

  it("passes an IPv6-only host", async () => {
    const c = await publicChecks({ appUrl: "https://v6only.example.test" });
    expect(c["public-url.dns"]).toMatchObject({
      status: "pass",
      detail: "v6only.example.test resolves to 2001:db8::20.",
    });
  });

  it("flags a host that resolves only to private addresses: a warning, a failure in production", async () => {
    const dev = await publicChecks({ appUrl: "https://private.example.test" });
    expect(dev["public-url.dns"]).toMatchObject({ status: "warn" });
    expect(dev["public-url.dns"].detail).toContain("only to private addresses (10.0.0.5)");
    const prod = await publicChecks({ appUrl: "https://private.example.test", env: { NODE_ENV: "production" } });
    expect(prod["public-url.dns"].status).toBe("fail");
  });
});

describe("TLS check", () => {
  it("fails a self-signed certificate as not trusted", async () => {
    const c = await publicChecks({ httpsServer: "selfSigned" });
    expect(c["public-url.tls"]).toMatchObject({ status: "fail" });
    expect(c["public-url.tls"].detail).toBe(
      `The certificate for ${HOST} is not trusted: it is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT).`,
    );
    expect(c["public-url.tls"].fix).toContain("public authority");
  });

  it("fails a certificate from an authority this machine does not trust", async () => {
    const c = await publicChecks({ trustCa: false });
    expect(c["public-url.tls"]).toMatchObject({ status: "fail" });
    expect(c["public-url.tls"].detail).toMatch(
      /^The certificate for ops\.example\.test is not trusted: .* \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)\.$/,
    );
  });

  it("warns when the certificate expires within 14 days, showing the days left", async () => {
    const c = await publicChecks({ httpsServer: "expiring" });
    expect(c["public-url.tls"]).toMatchObject({ status: "warn" });
    expect(c["public-url.tls"].detail).toMatch(
      /^The certificate for ops\.example\.test expires in [67] days \(\d{4}-\d\d-\d\d\)\.$/,
    );
    expect(c["public-url.tls"].fix).toMatch(/^Renew the certificate/);
  });

  it("fails an expired certificate (by the injected clock)", async () => {
    const c = await publicChecks({ now: () => new Date(Date.now() + 120 * DAY) });
    expect(c["public-url.tls"]).toMatchObject({ status: "fail" });
    expect(c["public-url.tls"].detail).toMatch(/^The certificate for ops\.example\.test expired on \d{4}-\d\d-\d\d\.$/);
  });

  it("fails a certificate issued for another name", async () => {
    const c = await publicChecks({ httpsServer: "otherName" });
    expect(c["public-url.tls"]).toMatchObject({
      status: "fail",
      detail: `The certificate is not valid for ${HOST}: it names DNS:other.example.test.`,
    });
  });

  it("fails when nothing answers HTTPS", async () => {
    const c = await publicChecks({ httpsServer: "closed" });
    expect(c["public-url.tls"]).toMatchObject({ status: "fail" });
    expect(c["public-url.tls"].detail).toMatch(
      /^No TLS connection to ops\.example\.test:\d+: connection refused \(ECONNREFUSED\)\.$/,
    );
    expect(c["public-url.webhook-route"].status).toBe("fail");
  });

  it("refuses an http:// APP_URL: a warning in development, a failure in production", async () => {
    const dev = await publicChecks({ appUrl: `http://${HOST}` });
    expect(dev["public-url.tls"]).toMatchObject({
      status: "warn",
      detail: "APP_URL is http://: browsers and Stripe need HTTPS.",
    });
    expect(dev["public-url.https-redirect"].detail).toMatch(/^Not checked/);
    const prod = await publicChecks({ appUrl: `http://${HOST}`, env: { NODE_ENV: "production" } });
    expect(prod["public-url.tls"].status).toBe("fail");
  });
});

describe("HTTP → HTTPS redirect check", () => {
  it("fails plain HTTP that serves the console without redirecting", async () => {
    const c = await publicChecks({ httpServer: "plain" });
    expect(c["public-url.https-redirect"]).toMatchObject({
      status: "fail",
      detail: `http://${HOST}/ answered 200 instead of redirecting: the console is reachable without encryption.`,
    });
  });

  it("fails a redirect that stays on HTTP", async () => {
    const c = await publicChecks({ httpServer: "toHttp" });
    expect(c["public-url.https-redirect"]).toMatchObject({
      status: "fail",
      detail: `http://${HOST}/ redirects (302) to http://${HOST}/sign-in, which is not HTTPS.`,
    });
  });

  it("warns when nothing listens for HTTP", async () => {
    const c = await publicChecks({ httpServer: "closed" });
    expect(c["public-url.https-redirect"].status).toBe("warn");
    expect(c["public-url.https-redirect"].detail).toContain("connection refused (ECONNREFUSED)");
  });
});

describe("webhook route check", () => {
  it.each([
    [200, /accepted a request without a Stripe-Signature \(200\)/],
    [404, /answered 404: APP_URL does not serve this console/],
    [403, /answered 403: something in front of the console/],
    [
      308,
      /redirects \(308 to https:\/\/www\.ops\.example\.test\/api\/webhooks\/stripe\): Stripe does not follow redirects/,
    ],
  ] as const)("fails when the route answers %i", async (status, detail) => {
    webhookMode = status;
    try {
      const c = await publicChecks();
      expect(c["public-url.webhook-route"].status).toBe("fail");
      expect(c["public-url.webhook-route"].detail).toMatch(detail);
    } finally {
      webhookMode = "route";
    }
  });
});
