// A small typed sender for the app's backend: signs an event and posts it, retrying transient failures
// with the same event id (so a retry is never processed twice). Uses only fetch and node:crypto.
import { randomUUID } from "node:crypto";
import { signAppPayload } from "./signature";
import type { AppEventInput } from "./types";

export type SendOptions = {
  url: string; // https://ops.example.com/api/webhooks/app
  secret: string; // APP_WEBHOOK_SECRET
  retries?: number; // default 4
  timeoutMs?: number; // default 10 s per attempt
  fetchImpl?: typeof fetch;
};

export type SendResult = { status: number; body: Record<string, unknown> };

export class AppEventRejected extends Error {
  constructor(
    public readonly status: number,
    public readonly body: unknown,
  ) {
    super(`The console refused the event (${status}): ${JSON.stringify(body)}`);
  }
}

export async function sendAppEvent(event: AppEventInput, opts: SendOptions): Promise<SendResult> {
  const payload = {
    id: event.id ?? randomUUID(),
    created: event.created ?? new Date().toISOString(),
    type: event.type,
    data: event.data,
  };
  const body = JSON.stringify(payload);
  const retries = opts.retries ?? 4;
  const doFetch = opts.fetchImpl ?? fetch;
  for (let attempt = 0; ; attempt++) {
    let res: Response | undefined;
    let networkError: unknown;
    try {
      res = await doFetch(opts.url, {
        method: "POST",
        headers: { "content-type": "application/json", "app-signature": signAppPayload(body, opts.secret) },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      networkError = err;
    }
    if (res) {
      const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (res.ok) return { status: res.status, body: json };
      const retryable = res.status === 429 || res.status >= 500;
      if (!retryable || attempt >= retries) throw new AppEventRejected(res.status, json);
    } else if (attempt >= retries) {
      throw networkError;
    }
    const backoff = Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
    await new Promise((r) => setTimeout(r, backoff));
  }
}
