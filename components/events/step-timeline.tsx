// The pipeline steps of one event in the order they run: status, how long the last attempt took, the
// error in plain words (raw text one click away), every attempt kept across replays and who replayed it,
// and the reference it made elsewhere (linked to the record when there is one to open).
import type { EventStep } from "@/db/schema";
import type { EventReplay } from "@/db/queries/events";
import { AttemptHistory, ExplainedError, errorFieldsOf } from "./attempt-history";
import { StatusBadge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { isStepName, STEP, stepLabel, type StepName } from "@/lib/pipeline/engine/step-names";

type Props = {
  steps: EventStep[];
  /** The event's replays (audit log, bulk replays), to say who replayed each attempt. */
  replays?: readonly EventReplay[];
  /** Where each step's reference opens (HubSpot contact, ticket), by step name; absent: shown as text. */
  refUrls?: Partial<Record<string, string>>;
};

/** What each step's external reference points at. */
const REFS: Record<StepName, string> = {
  [STEP.resolveIdentity]: "App user",
  [STEP.updateEntitlement]: "Stripe subscription or payment",
  [STEP.syncCrm]: "HubSpot contact",
  [STEP.createTicket]: "Support ticket",
  [STEP.raiseBillingAlert]: "Alert",
  [STEP.resolveBillingAlert]: "Alert",
  [STEP.unlinkIdentity]: "Stripe customer",
  [STEP.notifyApp]: "Callback id",
  [STEP.updateTicketStatus]: "Our ticket reference",
  [STEP.eraseCrm]: "Deleted HubSpot contact",
  [STEP.eraseSupport]: "Deleted support user",
  [STEP.eraseBilling]: "Stripe customer",
  [STEP.eraseRecords]: "Erasure",
};

const SERVICES: Record<string, string> = {
  hubspot: "HubSpot",
  zendesk: "Zendesk",
  stripe: "Stripe",
  alerts: "Alert webhook",
};

const MARKERS: Record<string, { icon: string; className: string }> = {
  succeeded: { icon: "✓", className: "bg-emerald-600 text-white" },
  failed: { icon: "✕", className: "bg-red-600 text-white" },
  running: { icon: "…", className: "bg-sky-600 text-white" },
  skipped: { icon: "–", className: "bg-slate-300 text-slate-700" },
  pending: { icon: "", className: "border-2 border-slate-300 bg-white" },
};

type StepErrorFields = Pick<EventStep, "lastError" | "errorService" | "errorStatus" | "errorCode" | "errorMessage">;

/** Who failed, in words: "HubSpot answered HTTP 400", "Database error", or "Error" for our own code. */
export function errorSource(service: string | null, status: number | null): string {
  const http = status ? ` HTTP ${status}` : "";
  if (service === "database") return `Database error${http}`;
  return service ? `${SERVICES[service] ?? service} answered${http}` : `Error${http}`;
}

/** A step's recorded error from its columns (a row from before they existed shows its text as the message). */
export function stepErrorView(step: StepErrorFields): { source: string; code: string | null; message: string } | null {
  const message = step.errorMessage ?? step.lastError;
  if (message === null) return null;
  return { source: errorSource(step.errorService, step.errorStatus), code: step.errorCode, message };
}

/** The service's code beside its status: ` · PROPERTY_DOESNT_EXIST`. */
export function ErrorCode({ code }: { code: string | null }) {
  return code ? (
    <>
      {" · "}
      <code className="font-mono text-[12px]">{code}</code>
    </>
  ) : null;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function StepTimeline({ steps, replays = [], refUrls = {} }: Props) {
  return (
    <ol aria-label="Pipeline steps" className="rounded-lg border border-slate-200 bg-white">
      {steps.map((step, i) => (
        <StepItem
          key={step.id}
          step={step}
          index={i}
          last={i === steps.length - 1}
          replays={replays}
          refUrl={refUrls[step.step]}
        />
      ))}
    </ol>
  );
}

type ItemProps = { step: EventStep; index: number; last: boolean; replays: readonly EventReplay[]; refUrl?: string };

function StepItem({ step, index, last, replays, refUrl }: ItemProps) {
  const known = isStepName(step.step);
  const marker = MARKERS[step.status] ?? MARKERS.pending!;
  const duration =
    step.startedAt && step.finishedAt ? formatDuration(step.finishedAt.getTime() - step.startedAt.getTime()) : null;
  const error = stepErrorView(step);
  return (
    <li className="relative flex gap-4 px-5 py-4" data-step={step.step} data-status={step.status}>
      {!last ? <span aria-hidden className="absolute top-11 bottom-0 left-[2.06rem] w-px bg-slate-200" /> : null}
      <span
        aria-hidden
        className={`relative z-10 mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full text-xs font-bold ${marker.className}`}
      >
        {marker.icon}
      </span>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <h3 className={known ? "text-sm font-medium text-slate-900" : "font-mono text-sm font-medium text-slate-900"}>
            <span className="sr-only">Step {index + 1}: </span>
            {stepLabel(step.step)}
          </h3>
          {known ? <code className="font-mono text-xs text-slate-500">{step.step}</code> : null}
          <StatusBadge status={step.status} />
        </div>
        <p className="mt-1 text-xs text-slate-600">
          {Math.max(step.attempts, step.attemptLog.length)} attempt
          {Math.max(step.attempts, step.attemptLog.length) === 1 ? "" : "s"}
          {duration ? ` · took ${duration}` : step.status === "running" ? " · running…" : null}
          {step.startedAt ? (
            <>
              {" · last started "}
              <RelativeTime date={step.startedAt} />
            </>
          ) : (
            " · not started"
          )}
        </p>
        {error ? (
          <div
            className={`mt-2 rounded-md px-3 py-2 text-sm ring-1 ${step.status === "failed" ? "bg-red-50 text-red-900 ring-red-200" : "bg-slate-50 text-slate-700 ring-slate-200"}`}
          >
            <p className="font-medium">
              {step.status === "failed" ? "" : "Last error: "}
              {error.source}
              <ErrorCode code={error.code} />
            </p>
            <div className="mt-0.5">
              <ExplainedError line={error.message} fields={errorFieldsOf(step.lastError ?? error.message, step)} />
            </div>
          </div>
        ) : null}
        {step.attemptLog.length > 0 ? (
          <AttemptHistory attempts={step.attemptLog} replays={replays} step={step} />
        ) : null}
        {step.externalRef ? (
          <p className="mt-1.5 text-xs text-slate-600">
            {isStepName(step.step) ? REFS[step.step] : "Reference"}:{" "}
            <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[12px] text-slate-900 select-all">
              {step.externalRef}
            </code>
            {refUrl ? (
              <>
                {" "}
                <a href={refUrl} target="_blank" rel="noreferrer" className="text-indigo-700 hover:underline">
                  Open<span aria-hidden> ↗</span>
                  <span className="sr-only"> (opens the record in a new tab)</span>
                </a>
              </>
            ) : null}
          </p>
        ) : null}
      </div>
    </li>
  );
}
