// Small network probes for the public-URL checks: a TLS handshake and one HTTP request, each
// connecting to an overridable address while naming APP_URL's host (SNI, certificate, Host header).
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import type { NetworkTarget } from "./types";

export type Target = {
  url: URL;
  /** APP_URL's host name, without IPv6 brackets. */
  hostname: string;
  connectHost: string;
  httpsPort: number;
  httpPort: number;
  ca?: string[];
};

export function targetOf(appUrl: string, network: NetworkTarget): Target {
  const url = new URL(appUrl);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const extra = network.ca === undefined ? undefined : Array.isArray(network.ca) ? network.ca : [network.ca];
  return {
    url,
    hostname,
    connectHost: network.address ?? hostname,
    httpsPort: network.httpsPort ?? (url.protocol === "https:" && url.port ? Number(url.port) : 443),
    httpPort: network.httpPort ?? (url.protocol === "http:" && url.port ? Number(url.port) : 80),
    ca: extra ? [...tls.rootCertificates, ...extra] : undefined,
  };
}

export type TlsProbe = { cert: tls.PeerCertificate; authorized: boolean; error?: string; protocol: string | null };

const timeoutError = (what: string, ms: number) =>
  Object.assign(new Error(`${what} within ${ms} ms`), { code: "ETIMEDOUT" });

/** Handshakes without trusting blindly: `authorized` and `error` say what a browser or Stripe would think. */
export function probeTls(t: Target, timeoutMs: number): Promise<TlsProbe> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: t.connectHost,
      port: t.httpsPort,
      servername: net.isIP(t.hostname) ? undefined : t.hostname,
      ca: t.ca,
      rejectUnauthorized: false,
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(t.hostname, cert),
      timeout: timeoutMs,
    });
    socket.once("secureConnect", () => {
      const error = socket.authorizationError ? String(socket.authorizationError) : undefined;
      resolve({
        cert: socket.getPeerCertificate(),
        authorized: socket.authorized,
        error,
        protocol: socket.getProtocol(),
      });
      socket.end();
    });
    socket.once("timeout", () => {
      socket.destroy();
      reject(timeoutError("no TLS handshake", timeoutMs));
    });
    socket.once("error", reject);
  });
}

export type HttpAnswer = { status: number; location?: string; body: string };

/** One request, no redirects followed, certificate not enforced (the TLS check judges it). */
export function request(
  t: Target,
  opts: {
    protocol: "http:" | "https:";
    method: string;
    path: string;
    body?: string;
    headers?: Record<string, string>;
    timeoutMs: number;
  },
): Promise<HttpAnswer> {
  const secure = opts.protocol === "https:";
  const port = secure ? t.httpsPort : t.httpPort;
  const hostHeader = net.isIPv6(t.hostname) ? `[${t.hostname}]` : t.hostname;
  const explicitPort = t.url.protocol === opts.protocol && t.url.port ? `:${t.url.port}` : "";
  const headers: Record<string, string> = {
    host: `${hostHeader}${explicitPort}`,
    "user-agent": "founder-ops-readiness/1",
    ...opts.headers,
  };
  if (opts.body !== undefined) headers["content-length"] = String(Buffer.byteLength(opts.body));
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = {
      host: t.connectHost,
      port,
      method: opts.method,
      path: opts.path,
      headers,
      timeout: opts.timeoutMs,
    };
    if (secure)
      Object.assign(options, {
        servername: net.isIP(t.hostname) ? undefined : t.hostname,
        ca: t.ca,
        rejectUnauthorized: false,
      });
    const req = (secure ? https : http).request(options, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
      res.on("error", reject);
    });
    req.once("timeout", () => req.destroy(timeoutError("no answer", opts.timeoutMs)));
    req.once("error", reject);
    req.end(opts.body);
  });
}

/** ECONNREFUSED → "connection refused", with the code kept for the curious. */
export function networkReason(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const words: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    ETIMEDOUT: "timed out",
    ENOTFOUND: "host not found",
    EAI_AGAIN: "DNS lookup failed",
    EHOSTUNREACH: "host unreachable",
    ENETUNREACH: "network unreachable",
    EPROTO: "TLS protocol error",
  };
  const word = e?.code ? words[e.code] : undefined;
  return word ? `${word} (${e.code})` : (e?.message ?? String(err)).split("\n")[0];
}

const PRIVATE_V4 = [
  /^10\./,
  /^127\./,
  /^169\.254\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
  /^0\./,
];

/** Addresses the internet cannot reach (loopback, private, link-local, CGNAT, ULA). */
export function isPrivateAddress(address: string): boolean {
  if (net.isIPv4(address)) return PRIVATE_V4.some((r) => r.test(address));
  const a = address.toLowerCase();
  return (
    a === "::1" ||
    a === "::" ||
    /^f[cd]/.test(a) ||
    /^fe[89ab]/.test(a) ||
    (a.startsWith("::ffff:") && isPrivateAddress(a.slice(7)))
  );
}
