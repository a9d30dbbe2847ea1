// HubSpot SDK errors (ApiException: code = HTTP status, body = JSON, headers = lower-case object) as
// transient or permanent integration errors, keeping HubSpot's own message for the console.
import {
  IntegrationError,
  PermanentError,
  TransientError,
  isNetworkError,
  isTransientStatus,
  retryAfterMs,
} from "../errors";

type ApiExceptionLike = {
  code?: number;
  body?: { message?: string; category?: string; errors?: Array<{ code?: string; error?: string }> };
  headers?: Record<string, string>;
};

/** HubSpot's code: the first error's own (`PROPERTY_DOESNT_EXIST`, `INVALID_EMAIL`), else the category (`VALIDATION_ERROR`, `RATE_LIMITS`). */
function hubspotCode(body: ApiExceptionLike["body"]): string | undefined {
  const first = body?.errors?.[0];
  const code = first?.code ?? first?.error ?? body?.category;
  return typeof code === "string" && code ? code : undefined;
}

export function classifyHubspotError(err: unknown): IntegrationError {
  if (err instanceof IntegrationError) return err;
  const e = err as ApiExceptionLike & Error;
  const status = typeof e?.code === "number" ? e.code : undefined;
  if (status === undefined) {
    const message = e?.message ?? String(err);
    return isNetworkError(err)
      ? new TransientError("hubspot", `network: ${message}`)
      : new PermanentError("hubspot", message);
  }
  const message = e.body?.message ?? `HTTP ${status}`;
  const code = hubspotCode(e.body);
  if (isTransientStatus(status)) {
    const wait =
      retryAfterMs(e.headers?.["retry-after"]) ??
      (status === 429 ? Number(e.headers?.["x-hubspot-ratelimit-interval-milliseconds"] ?? 1000) : undefined);
    return new TransientError("hubspot", message, status, wait, code);
  }
  return new PermanentError("hubspot", message, status, code);
}

export function isMissingProperty(err: unknown): boolean {
  const e = err as ApiExceptionLike;
  if (e?.code !== 400) return false;
  const body = JSON.stringify(e.body ?? {});
  // A written property (PROPERTY_DOESNT_EXIST) or the upsert's idProperty ("Property … does not exist").
  return body.includes("PROPERTY_DOESNT_EXIST") || /Property \\?"?[\w-]+\\?"? does not exist/i.test(body);
}

/** "Contact already exists. Existing ID: 123" → "123". */
export function existingContactId(err: unknown): string | undefined {
  const e = err as ApiExceptionLike;
  if (e?.code !== 409) return undefined;
  return /Existing ID: (\d+)/.exec(e.body?.message ?? "")?.[1];
}
