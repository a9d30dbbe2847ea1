// The node:http core every sandbox server runs on: body parsing, control routes, faults, recording.
import { recordPage } from "./record-pages";
import http from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleControl } from "./control";
import { FaultInjector, RequestLog, pickHeaders } from "./faults";
import type { ActiveFault, RecordedRequest } from "./faults";
import { parseForm } from "./util";

export type ServiceName = "stripe" | "hubspot" | "zendesk" | "intercom" | "app";

export type SandboxRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON (application/json) or nested form (x-www-form-urlencoded) body. */
  body: unknown;
  /** Set when a JSON body could not be parsed. */
  jsonError?: string;
};

export type SandboxResponse = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Not sent: marks a response replayed by an idempotency layer, for the request log. */
  replayed?: boolean;
};

/** What each look-alike implements; the core does the rest. */
export type Service = {
  readonly name: ServiceName;
  /** An error response when the credentials are wrong, undefined when they are right. */
  authenticate(req: SandboxRequest): SandboxResponse | undefined;
  handle(req: SandboxRequest): SandboxResponse;
  /** The service's real-looking error response for an injected status. */
  faultResponse(status: number, req: SandboxRequest): SandboxResponse;
  /** Headers on every response (request ids, rate-limit counters). */
  commonHeaders(req: SandboxRequest): Record<string, string>;
  reset(): void;
  /** What GET /__sandbox/state shows (a readable view, not for restoring). */
  snapshot(): Record<string, unknown>;
  /** Objects and id counters as plain JSON (no faults, requests or config), for restore(). */
  dump(): unknown;
  /** Replaces the objects and counters with a dump(); throws StateError (state unchanged) when it is malformed. */
  restore(state: unknown): void;
  configure(patch: Record<string, unknown>): Record<string, unknown>;
  seed(input: unknown): SandboxResponse;
};

export type RunningServer = {
  name: ServiceName;
  host: string;
  port: number;
  /** Origin, no path: http://127.0.0.1:PORT */
  url: string;
  service: Service;
  faults: FaultInjector;
  log: RequestLog;
  close(): Promise<void>;
};

const MAX_BODY_BYTES = 1_000_000;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export async function startServer(
  service: Service,
  options: {
    port?: number;
    host?: string;
    /** Called after each request that may have changed the service's state (any method but GET/HEAD/OPTIONS). */
    onChange?: () => void;
  } = {},
): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const faults = new FaultInjector();
  const log = new RequestLog();
  const pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = { timer: setTimeout(() => done(), ms), resolve: () => done() };
      function done() {
        clearTimeout(entry.timer);
        pending.delete(entry);
        resolve();
      }
      pending.add(entry);
    });

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { error: String(error) } }, {});
    });
  });

  async function onRequest(req: IncomingMessage, res: ServerResponse) {
    const started = Date.now();
    const raw = await readBody(req);
    if (raw === undefined) {
      send(res, { status: 413, body: { error: "request body too large" } }, {});
      return;
    }
    const sreq = toSandboxRequest(req, raw);
    const changes = options.onChange && !SAFE_METHODS.has(sreq.method) ? options.onChange : undefined;
    if (sreq.path.startsWith("/__sandbox/")) {
      send(res, handleControl({ service, faults, log }, sreq), {});
      changes?.();
      return;
    }
    // A record link opened in a browser (the console's links in the demo): a read-only HTML page, no token.
    const page = recordPage(sreq.method, req.url ?? "/", req.headers, service.name, () => service.dump());
    if (page) {
      res.writeHead(page.status, page.headers);
      res.end(sreq.method === "HEAD" ? undefined : page.body);
      return;
    }
    const common = service.commonHeaders(sreq);
    const fault = faults.take(sreq.method, sreq.path);
    const record = (status: number | null, response?: SandboxResponse) =>
      log.add({
        at: new Date(started).toISOString(),
        method: sreq.method,
        path: sreq.path,
        query: sreq.query.toString(),
        headers: pickHeaders(sreq.headers),
        body: sreq.body,
        status,
        fault: fault ? { id: fault.id, kind: fault.kind, status: fault.status } : undefined,
        replayed: response?.replayed || undefined,
        durationMs: Date.now() - started,
      });

    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (closed) {
      res.destroy();
      return;
    }
    if (fault && fault.kind === "error") {
      const response = applyFault(service, fault, sreq);
      send(res, response, common);
      record(response.status, response);
      return;
    }
    if (fault && (fault.kind === "hang" || fault.kind === "reset")) {
      if (fault.process) {
        serve(service, sreq);
        changes?.();
      }
      record(null);
      if (fault.kind === "reset") req.socket.destroy();
      // A hung request keeps its socket until the client gives up or the server closes.
      return;
    }
    const response = serve(service, sreq);
    send(res, response, common);
    record(response.status, response);
    changes?.();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    name: service.name,
    host,
    port,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    service,
    faults,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        for (const entry of [...pending]) entry.resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function serve(service: Service, req: SandboxRequest): SandboxResponse {
  try {
    return service.authenticate(req) ?? service.handle(req);
  } catch (error) {
    const response = service.faultResponse(500, req);
    return { ...response, headers: { ...response.headers, "x-sandbox-error": String(error).slice(0, 200) } };
  }
}

function applyFault(service: Service, fault: ActiveFault, req: SandboxRequest): SandboxResponse {
  const status = fault.status ?? 500;
  const base = service.faultResponse(status, req);
  const headers: Record<string, string> = { ...base.headers, ...fault.headers };
  if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
  return { status, body: fault.body !== undefined ? fault.body : base.body, headers };
}

function send(res: ServerResponse, response: SandboxResponse, common: Record<string, string>) {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...common, ...response.headers };
  const hasBody = response.body !== undefined && response.status !== 204;
  if (hasBody) headers["content-type"] = "application/json; charset=utf-8";
  res.writeHead(response.status, headers);
  res.end(hasBody ? JSON.stringify(response.body) : undefined);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function toSandboxRequest(req: IncomingMessage, rawBody: string): SandboxRequest {
  const url = new URL(req.url ?? "/", "http://sandbox.local");
  const contentType = String(req.headers["content-type"] ?? "");
  const sreq: SandboxRequest = {
    method: (req.method ?? "GET").toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    rawBody,
    body: undefined,
  };
  if (rawBody.length === 0) return sreq;
  if (contentType.includes("application/x-www-form-urlencoded")) {
    sreq.body = parseForm(rawBody);
  } else if (contentType.includes("json") || /^\s*[[{]/.test(rawBody)) {
    try {
      sreq.body = JSON.parse(rawBody);
    } catch (error) {
      sreq.jsonError = error instanceof Error ? error.message : String(error);
    }
  }
  return sreq;
}

export type { RecordedRequest };
