// Integration errors the pipeline can act on: transient ones are retried with backoff (honouring
// Retry-After), permanent ones fail the step at once, keeping the service's status, code and message.
export type ServiceName = "stripe" | "hubspot" | "zendesk" | "intercom" | "app" | "alerts";

export class IntegrationError extends Error {
  constructor(
    public readonly service: ServiceName,
    /** The service's own message (no service or status prefix). */
    message: string,
    public readonly status?: number,
    public readonly transient = false,
    public readonly retryAfterMs?: number,
    /** The service's error code when it gives one: HubSpot `PROPERTY_DOESNT_EXIST`, Zendesk `RecordInvalid`, Stripe `resource_missing`. */
    public readonly code?: string,
  ) {
    super(message);
    this.name = transient ? "TransientError" : "PermanentError";
  }
}

export class TransientError extends IntegrationError {
  constructor(service: ServiceName, message: string, status?: number, retryAfterMs?: number, code?: string) {
    super(service, message, status, true, retryAfterMs, code);
  }
}

export class PermanentError extends IntegrationError {
  constructor(service: ServiceName, message: string, status?: number, code?: string) {
    super(service, message, status, false, undefined, code);
  }
}

/** Reads Retry-After (seconds or an HTTP date) into milliseconds, capped at 60 s. */
export function retryAfterMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 60_000) : undefined;
}

/** Classifies an HTTP status: 408, 409 (lock), 425, 429 and 5xx are worth retrying. */
export function isTransientStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 425 || status === 429 || status >= 500;
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "ABORT_ERR",
]);

export function isNetworkError(err: unknown): boolean {
  const e = err as { code?: string; name?: string; cause?: { code?: string } } | undefined;
  return Boolean(
    e &&
      (NETWORK_CODES.has(e.code ?? "") ||
        NETWORK_CODES.has(e.cause?.code ?? "") ||
        e.name === "AbortError" ||
        e.name === "TimeoutError" ||
        e.name === "FetchError"),
  );
}
