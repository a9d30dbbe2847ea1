// Known errors in a founder's words: what went wrong and what to do, from a step's error fields (service,
// HTTP status, the service's code and message). The raw text stays one click away on every screen that
// shows a sentence. Unknown errors answer null: the caller shows the raw line.

export type ErrorFields = {
  service: string | null;
  status: number | null;
  code: string | null;
  message: string | null;
};

export type Explanation = {
  /** One sentence, plain words: "HubSpot refused the email address as invalid." */
  sentence: string;
  /** What to do about it, when there is something: "Fix the email in the app, then replay." */
  action?: string;
  /** A short tag for grouping and filters: invalid_email, missing_scope, revoked_token, rate_limited, not_found, … */
  kind: string;
};

/** The explanation of a known error, or null. */
export function explainError(_fields: ErrorFields): Explanation | null {
  return null;
}
