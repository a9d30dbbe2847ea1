// Posts signed callbacks to the app's backend (APP_CALLBACK_URL). One attempt per call: the pipeline's
// step retries with backoff. 2xx is delivered; 408/425/429/5xx and network failures are transient; any
// other 4xx is permanent (the receiver refused it: a wrong secret, a wrong URL).
import { signAppPayload } from "@/lib/app-events/signature";
import type { AppCallback } from "@/lib/app-events/callback";
import { isNetworkError, isTransientStatus, PermanentError, retryAfterMs, TransientError } from "../errors";

export type AppCallbackConfig = { url?: string; secret: string; timeoutMs?: number };

export class AppCallbackClient {
  constructor(private readonly config: AppCallbackConfig) {}

  /** Whether APP_CALLBACK_URL is set (unset: nothing is sent, the step says so). */
  get configured(): boolean {
    return Boolean(this.config.url);
  }

  get url(): string | undefined {
    return this.config.url;
  }

  /** Sends one callback; resolves with the receiver's status, throws a classified error otherwise. */
  async send(callback: AppCallback, correlationId?: string): Promise<{ status: number }> {
    if (!this.config.url) throw new PermanentError("app", "APP_CALLBACK_URL is not set.");
    const body = JSON.stringify(callback);
    let res: Response;
    try {
      res = await fetch(this.config.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "app-signature": signAppPayload(body, this.config.secret),
          ...(correlationId ? { "x-correlation-id": correlationId } : {}),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
    } catch (err) {
      if (isNetworkError(err) || err instanceof TypeError)
        throw new TransientError("app", `The app's callback endpoint could not be reached: ${describe(err)}`);
      throw err;
    }
    const text = await res.text().catch(() => "");
    if (res.ok) return { status: res.status };
    const message = `The app's callback endpoint answered ${res.status}${text ? `: ${text.slice(0, 300)}` : ""}`;
    if (isTransientStatus(res.status))
      throw new TransientError("app", message, res.status, retryAfterMs(res.headers.get("retry-after")));
    throw new PermanentError("app", message, res.status);
  }
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
