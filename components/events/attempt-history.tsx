// Every attempt of one step, oldest first, kept across replays (event_steps.attempt_log): when it ran, how
// long it took, its outcome, the error in plain words (lib/errors/explain.ts) with the raw text one click
// away, and who replayed the event it ran under.
import type { EventStep, StepAttempt } from "@/db/schema";
import type { EventReplay } from "@/db/queries/events";
import { StatusBadge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { explainError, type ErrorFields } from "@/lib/errors/explain";
import { formatDuration } from "./step-timeline";

type StepFields = Pick<EventStep, "lastError" | "errorService" | "errorStatus" | "errorCode" | "errorMessage">;

/**
 * Who replayed the event an attempt ran under: the engine's own note when it has one, else the last replay
 * (single or bulk) recorded before the attempt started. Attempts before any replay ran on arrival: null.
 */
export function replayerOf(attempt: StepAttempt, replays: readonly EventReplay[]): string | null {
  if (attempt.replayedBy) return attempt.replayedBy;
  const started = Date.parse(attempt.startedAt);
  let by: string | null = null;
  for (const replay of replays) if (replay.at.getTime() <= started) by = replay.by;
  return by;
}

/** `hubspot 400: message` (how attempt_log keeps an error) back into the fields explainError reads. */
export function errorFieldsOf(line: string, step?: StepFields): ErrorFields {
  // The step's own columns are exact (they include the service's code) when this is its latest error.
  if (step && step.lastError === line)
    return {
      service: step.errorService,
      status: step.errorStatus,
      code: step.errorCode,
      message: step.errorMessage ?? line,
    };
  const parsed = /^([a-z]+)(?: (\d{3}))?: ([\s\S]*)$/.exec(line);
  if (!parsed) return { service: null, status: null, code: null, message: line };
  return {
    service: parsed[1] ?? null,
    status: parsed[2] ? Number(parsed[2]) : null,
    code: null,
    message: parsed[3] ?? line,
  };
}

/** An error as a founder reads it: the known sentence (and what to do) with the raw text behind a click. */
export function ExplainedError({ line, fields }: { line: string; fields: ErrorFields }) {
  const explained = explainError(fields);
  if (!explained) return <p className="break-words whitespace-pre-wrap">{line}</p>;
  return (
    <div>
      <p>{explained.sentence}</p>
      {explained.action ? <p className="mt-0.5 font-medium">{explained.action}</p> : null}
      <details className="mt-1">
        <summary className="cursor-pointer text-xs underline decoration-dotted underline-offset-2">
          Show the service's own message
        </summary>
        <pre className="mt-1 font-mono text-[12px] break-words whitespace-pre-wrap">{line}</pre>
      </details>
    </div>
  );
}

export function AttemptHistory({
  attempts,
  replays,
  step,
}: {
  attempts: readonly StepAttempt[];
  replays: readonly EventReplay[];
  step: StepFields;
}) {
  return (
    <ol aria-label="Attempts" className="mt-3 flex flex-col gap-2 border-l-2 border-slate-200 pl-3">
      {attempts.map((a) => {
        const by = replayerOf(a, replays);
        return (
          <li key={`${a.attempt}-${a.startedAt}`} data-attempt={a.attempt} data-status={a.status} className="text-xs">
            <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-slate-700">
              <span className="font-medium text-slate-900">Attempt {a.attempt}</span>
              <StatusBadge status={a.status} />
              <Time date={a.startedAt} pattern="d MMM yyyy, HH:mm:ss" />
              <span>· took {formatDuration(a.durationMs)}</span>
              <span>· {by ? `replayed by ${by}` : "on arrival"}</span>
            </p>
            {a.error ? (
              <div
                className={`mt-1 rounded-md px-2.5 py-1.5 text-sm ring-1 ${
                  a.status === "failed"
                    ? "bg-red-50 text-red-900 ring-red-200"
                    : "bg-slate-50 text-slate-700 ring-slate-200"
                }`}
              >
                <ExplainedError line={a.error} fields={errorFieldsOf(a.error, step)} />
              </div>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
