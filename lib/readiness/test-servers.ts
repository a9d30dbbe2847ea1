// Local servers for the readiness tests: a tiny UDP DNS responder (queried through dns.Resolver's
// setServers), certificates made with openssl (a CA, leaves signed by it, a self-signed one), and
// plain HTTP/HTTPS servers on free loopback ports.
import { execFileSync } from "node:child_process";
import dgram from "node:dgram";
import dns from "node:dns";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export type DnsRecords = Record<string, { A?: string[]; AAAA?: string[]; TXT?: string[][]; SERVFAIL?: true }>;
export type DnsServer = { port: number; resolver: dns.promises.Resolver; queries: string[]; close(): Promise<void> };

const TYPES: Record<number, "A" | "AAAA" | "TXT"> = { 1: "A", 28: "AAAA", 16: "TXT" };

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.split("::");
  const parts = (s: string | undefined) => (s ? s.split(":") : []);
  const h = parts(head);
  const t = parts(tail);
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return Buffer.from(
    groups.flatMap((g) => {
      const n = parseInt(g, 16);
      return [n >> 8, n & 0xff];
    }),
  );
}

function rdata(type: "A" | "AAAA" | "TXT", value: string | string[]): Buffer {
  if (type === "A") return Buffer.from((value as string).split(".").map(Number));
  if (type === "AAAA") return ipv6Bytes(value as string);
  return Buffer.concat(
    (value as string[]).map((chunk) => Buffer.concat([Buffer.from([Buffer.byteLength(chunk)]), Buffer.from(chunk)])),
  );
}

/** Answers A, AAAA and TXT questions from `records` (names case-insensitive); unknown names get NXDOMAIN. */
export function startDnsServer(records: DnsRecords): Promise<DnsServer> {
  const table = new Map(Object.entries(records).map(([name, r]) => [name.toLowerCase(), r]));
  const queries: string[] = [];
  const socket = dgram.createSocket("udp4");
  socket.on("message", (msg, from) => {
    let offset = 12;
    const labels: string[] = [];
    while (msg[offset] !== 0 && offset < msg.length) {
      labels.push(msg.subarray(offset + 1, offset + 1 + msg[offset]).toString());
      offset += msg[offset] + 1;
    }
    const questionEnd = offset + 5;
    const qtype = msg.readUInt16BE(offset + 1);
    const name = labels.join(".").toLowerCase();
    const type = TYPES[qtype];
    queries.push(`${type ?? qtype} ${name}`);
    const entry = table.get(name);
    const rcode = !entry ? 3 : entry.SERVFAIL ? 2 : 0;
    const values: (string | string[])[] = entry && type && !entry.SERVFAIL ? (entry[type] ?? []) : [];
    const answers = values.map((v) => {
      const data = rdata(type!, v);
      const head = Buffer.alloc(12);
      head.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      head.writeUInt16BE(qtype, 2);
      head.writeUInt16BE(1, 4);
      head.writeUInt32BE(60, 6);
      head.writeUInt16BE(data.length, 10);
      return Buffer.concat([head, data]);
    });
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8000 | 0x0400 | (msg.readUInt16BE(2) & 0x0100) | 0x0080 | rcode, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(Buffer.concat([header, msg.subarray(12, questionEnd), ...answers]), from.port, from.address);
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      const resolver = new dns.promises.Resolver({ timeout: 1_000, tries: 1 });
      resolver.setServers([`127.0.0.1:${port}`]);
      resolve({ port, resolver, queries, close: () => new Promise<void>((done) => socket.close(() => done())) });
    });
  });
}

export type KeyPair = { key: string; cert: string };
export type Certificates = {
  ca: KeyPair;
  /** A leaf for `hosts` signed by the CA, valid for `days` from now. */
  signed(hosts: string[], days: number): KeyPair;
  selfSigned(hosts: string[], days: number): KeyPair;
  cleanup(): void;
};

/** Makes certificates with the openssl command line (EC P-256: quick to generate). */
export function makeCertificates(): Certificates {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "readiness-certs-"));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const read = (name: string) => fs.readFileSync(file(name), "utf8");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "30",
    "-subj",
    "/O=Readiness Test CA/CN=Readiness Test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  let n = 0;
  const san = (hosts: string[]) =>
    `subjectAltName=${hosts.map((h) => (net.isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(",")}`;
  return {
    ca: { key: read("ca.key"), cert: read("ca.crt") },
    signed(hosts, days) {
      const id = `leaf${++n}`;
      openssl("req", "-new", ...ec, "-keyout", `${id}.key`, "-out", `${id}.csr`, "-subj", `/CN=${hosts[0]}`);
      fs.writeFileSync(file(`${id}.ext`), `${san(hosts)}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
      openssl(
        "x509",
        "-req",
        "-in",
        `${id}.csr`,
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        `${id}.crt`,
        "-days",
        String(days),
        "-extfile",
        `${id}.ext`,
      );
      return { key: read(`${id}.key`), cert: read(`${id}.crt`) };
    },
    selfSigned(hosts, days) {
      const id = `self${++n}`;
      openssl(
        "req",
        "-x509",
        ...ec,
        "-keyout",
        `${id}.key`,
        "-out",
        `${id}.crt`,
        "-days",
        String(days),
        "-subj",
        `/CN=${hosts[0]}`,
        "-addext",
        san(hosts),
      );
      return { key: read(`${id}.key`), cert: read(`${id}.crt`) };
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void | Promise<void>;
export type LocalServer = { port: number; close(): Promise<void> };

function listen(server: http.Server, handler: Handler): Promise<LocalServer> {
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on(
      "end",
      () => void Promise.resolve(handler(req, body, res)).catch((err) => res.writeHead(500).end(String(err))),
    );
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export const startHttpServer = (handler: Handler) => listen(http.createServer(), handler);
export const startHttpsServer = (pair: KeyPair, handler: Handler) =>
  listen(https.createServer({ key: pair.key, cert: pair.cert }), handler);

/** A loopback port with nothing listening on it. */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}
