// Retries of a step on the inline driver (p-retry: exponential backoff with jitter). Only transient
// errors are retried; a Retry-After from the service is waited out before the next attempt.
import pRetry from "p-retry";
import { IntegrationError, isNetworkError } from "@/lib/integrations/errors";

export type RetryPolicy = { retries: number; minTimeoutMs: number; maxTimeoutMs: number };

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, minTimeoutMs: 300, maxTimeoutMs: 10_000 };

export function isRetryable(err: unknown): boolean {
  if (err instanceof IntegrationError) return err.transient;
  return isNetworkError(err);
}

export function withRetries<T>(fn: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  return pRetry(fn, {
    retries: policy.retries,
    factor: 2,
    minTimeout: policy.minTimeoutMs,
    maxTimeout: policy.maxTimeoutMs,
    randomize: true,
    shouldRetry: ({ error }) => isRetryable(error),
    onFailedAttempt: async ({ error, retriesLeft }) => {
      const wait = error instanceof IntegrationError ? error.retryAfterMs : undefined;
      if (wait && retriesLeft > 0 && isRetryable(error))
        await new Promise((r) => setTimeout(r, Math.min(wait, policy.maxTimeoutMs)));
    },
  });
}
