// node-zendesk failures (thrown with statusCode/result, or resolved with an error status) as integration errors.
import {
  IntegrationError,
  PermanentError,
  TransientError,
  isNetworkError,
  isTransientStatus,
  retryAfterMs,
} from "../errors";

type ZendeskErrorLike = Error & { statusCode?: number; result?: unknown };

function messageOf(result: unknown, fallback: string): string {
  const r = result as
    | { error?: string | { title?: string; message?: string }; description?: string; details?: unknown }
    | undefined;
  if (!r || typeof r !== "object") return fallback;
  const error = typeof r.error === "string" ? r.error : (r.error?.title ?? r.error?.message);
  const parts = [error, r.description, r.details ? JSON.stringify(r.details) : undefined].filter(Boolean);
  return parts.length ? parts.join(": ").slice(0, 500) : fallback;
}

/** Zendesk's code: `error` when it is an identifier (`RecordInvalid`, `RecordNotFound`), or `error.title` (`Forbidden`); not a sentence. */
function codeOf(result: unknown): string | undefined {
  const r = result as { error?: string | { title?: string } } | undefined;
  if (!r || typeof r !== "object") return undefined;
  const code = typeof r.error === "string" ? r.error : r.error?.title;
  return typeof code === "string" && /^[A-Za-z][A-Za-z0-9_]*$/.test(code) ? code : undefined;
}

export function classifyZendeskError(err: unknown): IntegrationError {
  if (err instanceof IntegrationError) return err;
  const e = err as ZendeskErrorLike;
  if (typeof e?.statusCode === "number") {
    const message = messageOf(e.result, e.message);
    const code = codeOf(e.result);
    return isTransientStatus(e.statusCode)
      ? new TransientError("zendesk", message, e.statusCode, undefined, code)
      : new PermanentError("zendesk", message, e.statusCode, code);
  }
  const message = e?.message ?? String(err);
  return isNetworkError(err)
    ? new TransientError("zendesk", `network: ${message}`)
    : new PermanentError("zendesk", message);
}

export function zendeskStatusError(
  response: { status: number; headers: { get(name: string): string | null } },
  result: unknown,
): IntegrationError {
  const status = response.status >= 400 ? response.status : ((result as { statusCode?: number })?.statusCode ?? 500);
  const body = result instanceof Error ? (result as ZendeskErrorLike).result : result;
  const message = messageOf(
    result instanceof Error && body == null ? { error: result.message } : body,
    `HTTP ${status}`,
  );
  const code = codeOf(body);
  return isTransientStatus(status)
    ? new TransientError("zendesk", message, status, retryAfterMs(response.headers.get("retry-after")), code)
    : new PermanentError("zendesk", message, status, code);
}
