// What a failed step records, built once from whatever it threw: the service, its HTTP status and code,
// its message alone (for the console's fields), and the readable one-line text (event_steps.last_error).
import { IntegrationError, type ServiceName } from "@/lib/integrations/errors";

export type ErrorService = ServiceName | "database";

export type StepError = {
  /** Who answered with the error; null for an error of our own code. */
  service: ErrorService | null;
  /** The service's HTTP status, when it answered. */
  status: number | null;
  /** The service's code when it gives one (HubSpot `PROPERTY_DOESNT_EXIST`, Zendesk `RecordInvalid`, Stripe `resource_missing`, a PostgreSQL SQLSTATE). */
  code: string | null;
  /** The service's message alone. */
  message: string;
  /** `hubspot 400: message`: the service, its status and message, for logs, the API and last_error. */
  text: string;
};

const MAX = 2000;

/**
 * The structured error of a thrown value. A failed query keeps only the database's own words and SQLSTATE
 * (its text and parameters, which may hold customer data, are left out).
 */
export function stepErrorOf(err: unknown): StepError {
  if (err instanceof IntegrationError) {
    const status = err.status ?? null;
    return {
      service: err.service,
      status,
      code: err.code ?? null,
      message: err.message.slice(0, MAX),
      text: `${err.service}${status ? ` ${status}` : ""}: ${err.message}`.slice(0, MAX),
    };
  }
  const cause = (err as { cause?: { message?: string; code?: unknown } })?.cause;
  if (err instanceof Error && err.message.startsWith("Failed query") && cause?.message) {
    return {
      service: "database",
      status: null,
      code: typeof cause.code === "string" && cause.code ? cause.code : null,
      message: cause.message.slice(0, MAX),
      text: `database: ${cause.message}`.slice(0, MAX),
    };
  }
  const message = (err instanceof Error ? err.message : String(err)).slice(0, MAX);
  return { service: null, status: null, code: null, message, text: message };
}

/** What the event records when `step` failed with `err` (events.last_error): `sync-crm: hubspot 400: message`. */
export function eventErrorText(step: string, err: unknown): string {
  return `${step}: ${stepErrorOf(err).text}`;
}

/** The event_steps columns of a failed step. */
export function stepErrorColumns(e: StepError) {
  return {
    lastError: e.text,
    errorService: e.service,
    errorStatus: e.status,
    errorCode: e.code,
    errorMessage: e.message,
  };
}

/** The event_steps columns of a step that did not fail (its earlier error is cleared). */
export const NO_STEP_ERROR = {
  lastError: null,
  errorService: null,
  errorStatus: null,
  errorCode: null,
  errorMessage: null,
} as const;
