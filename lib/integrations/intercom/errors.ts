// Intercom failures as integration errors: the SDK's IntercomError (status, `error.list` body, headers) and
// timeouts, each a TransientError or a PermanentError (service "intercom") the pipeline can act on.
import { IntercomError, IntercomTimeoutError } from "intercom-client";
import {
  IntegrationError,
  PermanentError,
  TransientError,
  isNetworkError,
  isTransientStatus,
  retryAfterMs,
} from "../errors";

type Headers = { get(name: string): string | null } | undefined;

/** The wait an Intercom 429 asks for: Retry-After, else X-RateLimit-Reset (unix seconds), capped at 60 s. */
export function intercomRetryAfterMs(headers: Headers): number | undefined {
  const after = retryAfterMs(headers?.get("retry-after"));
  if (after !== undefined) return after;
  const reset = Number(headers?.get("x-ratelimit-reset"));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  const ms = reset * 1000 - Date.now();
  return ms > 0 ? Math.min(ms, 60_000) : 1_000;
}

/** Intercom's error body `{ type: "error.list", errors: [{ code, message }] }` → its first code and the messages. */
function errorsOf(body: unknown): { code?: string; message?: string } {
  const list = (body as { errors?: Array<{ code?: string; message?: string }> } | undefined)?.errors;
  if (!Array.isArray(list) || list.length === 0) return {};
  return {
    code: list[0]?.code,
    message: list
      .map((e) => e.message ?? e.code)
      .filter(Boolean)
      .join("; ")
      .slice(0, 500),
  };
}

export function classifyIntercomError(err: unknown): IntegrationError {
  if (err instanceof IntegrationError) return err;
  if (err instanceof IntercomTimeoutError) return new TransientError("intercom", `network: ${err.message}`);
  if (err instanceof IntercomError) {
    const status = err.statusCode;
    if (status === undefined) {
      // No answer at all: refused, reset, DNS, timeout (the SDK's message is fetch's).
      return new TransientError("intercom", `network: ${err.message.split("\n")[0]}`);
    }
    const { code, message } = errorsOf(err.body);
    const text = message || `HTTP ${status}`;
    const headers = err.rawResponse?.headers as Headers;
    return isTransientStatus(status)
      ? new TransientError("intercom", text, status, intercomRetryAfterMs(headers), code)
      : new PermanentError("intercom", text, status, code);
  }
  const message = err instanceof Error ? err.message : String(err);
  return isNetworkError(err)
    ? new TransientError("intercom", `network: ${message}`)
    : new PermanentError("intercom", message);
}
