// Stripe SDK errors (StripeError subclasses with statusCode/type/code) as integration errors.
import Stripe from "stripe";
import {
  IntegrationError,
  PermanentError,
  TransientError,
  isNetworkError,
  isTransientStatus,
  retryAfterMs,
} from "../errors";

export function classifyStripeError(err: unknown): IntegrationError {
  if (err instanceof IntegrationError) return err;
  if (err instanceof Stripe.errors.StripeError) {
    const status = err.statusCode;
    if (err instanceof Stripe.errors.StripeConnectionError || status === undefined)
      return new TransientError("stripe", `network: ${err.message}`);
    const headers = (err.headers ?? {}) as Record<string, string>;
    // Stripe's code (`resource_missing`, `card_declined`), else its error type (`invalid_request_error`).
    const code = err.code ?? err.rawType;
    return isTransientStatus(status)
      ? new TransientError("stripe", err.message, status, retryAfterMs(headers["retry-after"]), code)
      : new PermanentError("stripe", err.message, status, code);
  }
  const message = err instanceof Error ? err.message : String(err);
  return isNetworkError(err)
    ? new TransientError("stripe", `network: ${message}`)
    : new PermanentError("stripe", message);
}
