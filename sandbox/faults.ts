// Fault injection and request recording shared by the three sandbox servers.

export type FaultKind = "error" | "latency" | "hang" | "reset";

export type FaultSpec = {
  /** "error" (default): answer `status`; "latency": delay, then answer normally;
   *  "hang": never answer; "reset": destroy the socket without an answer. */
  kind?: FaultKind;
  /** Only requests with this method (case-insensitive). */
  method?: string;
  /** Only requests whose path starts with this prefix (query string ignored). */
  path?: string;
  /** How many matching requests this fault applies to (default 1), or "always" until cleared. */
  times?: number | "always";
  /** HTTP status for kind "error" (default 500). */
  status?: number;
  /** Response body for kind "error"; defaults to the service's real-looking error body for the status. */
  body?: unknown;
  /** Extra response headers for kind "error". */
  headers?: Record<string, string>;
  /** Seconds; sent as the Retry-After header for kind "error". */
  retryAfter?: number;
  /** Delay before the request is handled (kind "latency"), or before the fault is applied (other kinds). */
  latencyMs?: number;
  /** For "hang" and "reset": run the real handler first, so the write happens but the answer is lost. */
  process?: boolean;
  /** Applies to each matching request with this chance (0 < p ≤ 1, default 1); a request it passes over
   *  does not use up `times` and may match the next queued fault. For storms: `{ probability: 0.1, times: "always" }`. */
  probability?: number;
};

export type ActiveFault = FaultSpec & {
  id: string;
  kind: FaultKind;
  times: number | "always";
  /** Requests this fault has been applied to so far. */
  applied: number;
};

const KINDS: FaultKind[] = ["error", "latency", "hang", "reset"];

export class FaultInjector {
  private queue: ActiveFault[] = [];
  private seq = 0;

  constructor(private readonly random: () => number = Math.random) {}

  /** Validates and queues a fault; throws an Error with a readable message when the spec is invalid. */
  add(spec: FaultSpec): ActiveFault {
    validateFault(spec);
    const kind = spec.kind ?? "error";
    const times = spec.times ?? 1;
    this.seq += 1;
    const fault: ActiveFault = { ...spec, id: `fault_${this.seq}`, kind, times, applied: 0 };
    if (kind === "error" && fault.status === undefined) fault.status = 500;
    this.queue.push(fault);
    return { ...fault };
  }

  /** The first queued fault matching this request, consumed by one use. */
  take(method: string, path: string): ActiveFault | undefined {
    const index = this.queue.findIndex(
      (f) => matches(f, method, path) && (f.probability === undefined || this.random() < f.probability),
    );
    if (index < 0) return undefined;
    const fault = this.queue[index];
    fault.applied += 1;
    if (fault.times !== "always" && fault.applied >= fault.times) this.queue.splice(index, 1);
    return { ...fault };
  }

  list(): ActiveFault[] {
    return this.queue.map((f) => ({ ...f }));
  }

  clear(): void {
    this.queue = [];
  }
}

/** Throws an Error with a readable message when the spec is invalid. */
export function validateFault(spec: FaultSpec): void {
  const kind = spec.kind ?? "error";
  if (!KINDS.includes(kind)) throw new Error(`kind must be one of ${KINDS.join(", ")}`);
  const times = spec.times ?? 1;
  if (times !== "always" && (!Number.isInteger(times) || times < 1)) {
    throw new Error('times must be a positive integer or "always"');
  }
  if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599)) {
    throw new Error("status must be an HTTP status code");
  }
  if (spec.latencyMs !== undefined && !(spec.latencyMs >= 0)) throw new Error("latencyMs must be >= 0");
  if (
    spec.probability !== undefined &&
    !(typeof spec.probability === "number" && spec.probability > 0 && spec.probability <= 1)
  ) {
    throw new Error("probability must be a number > 0 and ≤ 1");
  }
  if (kind === "latency" && spec.latencyMs === undefined) throw new Error("latency faults need latencyMs");
}

function matches(fault: ActiveFault, method: string, path: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  if (fault.path && !path.startsWith(fault.path)) return false;
  return true;
}

export type RecordedRequest = {
  seq: number;
  /** ISO time the request arrived. */
  at: string;
  method: string;
  path: string;
  query: string;
  /** Only the headers of interest (idempotency-key, x-correlation-id, ...), lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON or form body (undefined when there was none). */
  body: unknown;
  /** Status answered; null when no answer was sent (hang, reset). */
  status: number | null;
  /** The injected fault applied to this request, if any. */
  fault?: { id: string; kind: FaultKind; status?: number };
  /** True when an idempotency layer replayed a stored response. */
  replayed?: boolean;
  durationMs: number;
};

export const RECORDED_HEADERS = [
  "idempotency-key",
  "x-correlation-id",
  "x-request-id",
  "content-type",
  "user-agent",
  "stripe-version",
  "stripe-account",
  "x-on-behalf-of",
];

const MAX_RECORDS = 5000;

export class RequestLog {
  private entries: RecordedRequest[] = [];
  private seq = 0;

  add(entry: Omit<RecordedRequest, "seq">): RecordedRequest {
    this.seq += 1;
    const record = { seq: this.seq, ...entry };
    this.entries.push(record);
    if (this.entries.length > MAX_RECORDS) this.entries.shift();
    return record;
  }

  list(): RecordedRequest[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}

/** Picks the recorded headers and summarises Authorization without its secret. */
export function pickHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of RECORDED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const auth = headers.authorization;
  if (typeof auth === "string") {
    const [scheme, secret = ""] = auth.split(" ");
    out.authorization = `${scheme} …${secret.slice(-4)}`;
  }
  return out;
}
