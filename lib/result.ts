// The one answer of a console operation, a server action and the admin API: a success with its data, or
// a failure with the HTTP status it means (401 signed out, 403 role, 400 input, 404/409/502 from the work).

export type FailureStatus = 400 | 401 | 403 | 404 | 409 | 429 | 500 | 502;

export type Failure = {
  ok: false;
  status: FailureStatus;
  error: string;
  /** The input field the error concerns, when it concerns one. */
  field?: string;
  /** Forms: one message per field, shown next to it. */
  fieldErrors?: Partial<Record<string, string>>;
};

export type Result<T extends object = object> = ({ ok: true; message?: string } & T) | Failure;

export function fail(status: FailureStatus, error: string, field?: string): Failure {
  return field ? { ok: false, status, error, field } : { ok: false, status, error };
}

/** The admin API's error answer for a failure: its status and `{ error }`. */
export function failureResponse(failure: Failure): Response {
  return Response.json({ error: failure.error }, { status: failure.status });
}

/**
 * A useActionState form's state: nothing yet (`{}`), or the last answer, stamped `at` so the form reacts
 * once per submission, with what was typed (`values`, never a password) to refill it after a failure.
 */
export type FormState<T extends object = object, V extends object = Record<string, string>> =
  | { ok?: undefined; at?: undefined; values?: undefined }
  | ({ ok: true; message?: string; at: number; values?: undefined } & T)
  | (Failure & { at: number; values: V });

export function formState<T extends object, V extends object>(result: Result<T>, values: V): FormState<T, V> {
  return result.ok ? { ...result, at: Date.now(), values: undefined } : { ...result, at: Date.now(), values };
}
