// "Needs attention" at the top of the overview: each open problem in plain words — who (a name or email
// first, the id second), which system, what went wrong, since when — with its one action, and an all-clear
// state when there is nothing. The raw error stays one click away in a <details>.
import Link from "next/link";
import type { AttentionCustomer, AttentionError, AttentionItem, NeedsAttention } from "@/db/queries/overview";
import { explainError, serviceName } from "@/lib/errors/explain";
import { stepLabel } from "@/lib/pipeline/engine/step-names";
import { sourceLabel } from "@/components/events/source-label";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { AttentionAction, type AttentionActionSpec } from "./attention-action";

const customerHref = (c: AttentionCustomer) => `/customers/${encodeURIComponent(c.appUserId)}`;
/** How a problem names a customer in one string (toasts, labels): name, else email, else the id. */
const whoText = (c: AttentionCustomer | null) => (c ? (c.name ?? c.email ?? c.appUserId) : null);

function Who({ customer }: { customer: AttentionCustomer | null }) {
  if (!customer) return null;
  const first = customer.name ?? customer.email ?? customer.appUserId;
  const second = customer.name && customer.email ? customer.email : null;
  return (
    // wrap-anywhere: a long email or app user id wraps on a phone instead of pushing the page sideways.
    <Link
      href={customerHref(customer)}
      className="font-medium wrap-anywhere text-slate-900 underline-offset-2 hover:underline"
    >
      {first}
      {second ? <span className="font-normal text-slate-600"> · {second}</span> : null}
      {first !== customer.appUserId ? (
        <span className="ml-1 font-mono text-xs font-normal text-slate-500">{customer.appUserId}</span>
      ) : null}
    </Link>
  );
}

function RawError({ error }: { error: AttentionError }) {
  const raw = error.raw ?? error.message;
  if (!raw) return null;
  return (
    <details className="mt-1 text-xs text-slate-600">
      <summary className="cursor-pointer select-none hover:text-slate-900">Raw error</summary>
      <pre className="mt-1 max-h-40 overflow-auto rounded bg-slate-100 p-2 font-mono break-all whitespace-pre-wrap text-slate-800">
        {raw}
      </pre>
    </details>
  );
}

type View = {
  key: string;
  tone: BadgeVariant;
  tag: string;
  who: AttentionCustomer | null;
  headline: React.ReactNode;
  detail?: React.ReactNode;
  error?: AttentionError;
  since: Date;
  sinceWord: string;
  link: { href: string; label: string };
  action?: AttentionActionSpec;
  subject: string;
};

/** One item in words: the customer-facing wording lives here, the data in db/queries/overview. */
function viewOf(item: AttentionItem): View {
  switch (item.kind) {
    case "credential": {
      const name = serviceName(item.service);
      const explained = explainError(item.error);
      const n = item.failedEvents;
      return {
        key: `credential:${item.service}`,
        tone: "danger",
        tag: "Credential",
        who: null,
        headline: `${name} refuses our credentials: ${n} event${n === 1 ? "" : "s"} failed.`,
        detail: explained ? `${explained.sentence} ${explained.action ?? ""}` : undefined,
        error: item.error,
        since: item.since,
        sinceWord: "since",
        link: { href: "/readiness", label: `Fix the ${name} credential on Readiness` },
        subject: `${name} credentials`,
      };
    }
    case "failed-event": {
      const explained = explainError(item.error);
      const system = item.error.service ? serviceName(item.error.service) : null;
      const step = item.step ? stepLabel(item.step) : "Processing";
      return {
        key: `event:${item.eventId}`,
        tone: "danger",
        tag: system ?? "Failed",
        who: item.customer,
        headline: `${step} failed${system ? ` in ${system}` : ""} (${sourceLabel(item.source)} ${item.eventType}).`,
        detail: explained ? `${explained.sentence} ${explained.action ?? ""}` : undefined,
        error: item.error,
        since: item.since,
        sinceWord: "received",
        link: { href: `/events/${item.eventId}`, label: "Open the event" },
        action: { type: "replay", eventId: item.eventId },
        subject: `${item.eventType} of ${whoText(item.customer) ?? item.externalId}`,
      };
    }
    case "alert":
      return {
        key: `alert:${item.alertId}`,
        tone: item.severity === "critical" ? "danger" : "warning",
        tag: item.alertKind === "billing" ? "Billing" : "Ops",
        who: item.customer,
        headline: item.title,
        detail: item.message ?? undefined,
        since: item.since,
        sinceWord: "since",
        link: item.eventId
          ? { href: `/events/${item.eventId}`, label: "Open the event" }
          : item.customer
            ? { href: customerHref(item.customer), label: "Open the customer" }
            : { href: "/alerts?status=open", label: "Open alerts" },
        action: { type: "acknowledge", alertId: item.alertId },
        subject: item.title,
      };
    case "identity-match": {
      const system = serviceName(item.system);
      return {
        key: `match:${item.customer.appUserId}:${item.system}`,
        tone: "warning",
        tag: "Identity",
        who: item.customer,
        headline: `Matched to ${system} ${item.externalId} by email only: confirm it is the same person.`,
        since: item.since,
        sinceWord: "since",
        link: { href: customerHref(item.customer), label: "Review on the customer page" },
        action:
          item.system === "stripe" || item.system === "hubspot" || item.system === "zendesk"
            ? {
                type: "confirm-match",
                target: { appUserId: item.customer.appUserId, system: item.system, externalId: item.externalId },
              }
            : undefined,
        subject: `${whoText(item.customer)} ↔ ${system} ${item.externalId}`,
      };
    }
    case "claim":
      return {
        key: `claim:${item.payerKey}`,
        tone: "warning",
        tag: "Identity",
        who: item.owner,
        headline: `Claims a Stripe payment made as ${item.payerEmail ?? item.payerKey.replace(/^stripe:/, "")}; their email is not verified: confirm it is them.`,
        since: item.since,
        sinceWord: "since",
        link: { href: `/customers/${encodeURIComponent(item.payerKey)}`, label: "Review the payer" },
        action: {
          type: "confirm-claim",
          provisionalKey: item.payerKey,
          appUserId: item.owner.appUserId,
          who: whoText(item.owner) ?? item.owner.appUserId,
        },
        subject: `${whoText(item.owner)} claims ${item.payerEmail ?? item.payerKey}`,
      };
    case "drift": {
      const system = serviceName(item.system);
      return {
        key: `drift:${item.findingId}`,
        tone: "warning",
        tag: "Drift",
        who: item.customer,
        headline: `${system} differs from our records on ${item.field}: ${item.actual ?? "nothing"} there, ${item.expected ?? "nothing"} here.`,
        since: item.since,
        sinceWord: "since",
        link: { href: "/drift", label: "Open Drift" },
        action: { type: "repair-drift", findingId: item.findingId },
        subject: `${whoText(item.customer)}: ${system} ${item.field}`,
      };
    }
  }
}

function AllClear() {
  return (
    <section
      aria-labelledby="needs-attention-title"
      data-state="clear"
      className="mb-6 flex items-start gap-3 rounded-lg border border-emerald-200 bg-emerald-50 px-5 py-4 text-emerald-900"
    >
      <span aria-hidden className="mt-0.5 text-lg leading-none">
        ✓
      </span>
      <div>
        <h2 id="needs-attention-title" className="text-base font-semibold">
          All clear: nothing needs you
        </h2>
        <p className="mt-0.5 text-sm">
          No failed event, no credential refused, no open alert, no match to confirm and no drift. New problems show up
          here first.
        </p>
      </div>
    </section>
  );
}

export function NeedsAttentionList({ data, canAct }: { data: NeedsAttention; canAct: boolean }) {
  if (data.items.length === 0 && data.moreFailedEvents === 0 && data.moreDrift === 0) return <AllClear />;
  const views = data.items.map(viewOf);
  return (
    <section
      aria-labelledby="needs-attention-title"
      data-state="problems"
      className="mb-6 rounded-lg border border-red-200 bg-white shadow-xs"
    >
      <header className="flex flex-wrap items-baseline justify-between gap-2 border-b border-red-100 px-5 py-3">
        <h2 id="needs-attention-title" className="text-base font-semibold text-slate-900">
          Needs attention{" "}
          <span className="font-normal text-slate-600">({views.length + data.moreFailedEvents + data.moreDrift})</span>
        </h2>
        {canAct ? null : <p className="text-sm text-slate-600">You can look; an admin takes the actions.</p>}
      </header>
      <ul className="divide-y divide-slate-200">
        {views.map((v) => (
          <li
            key={v.key}
            data-testid="attention-item"
            className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-start"
          >
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
                <Badge variant={v.tone}>{v.tag}</Badge>
                <Who customer={v.who} />
                <span className="text-slate-600">
                  {v.sinceWord} <RelativeTime date={v.since} />
                </span>
              </div>
              <p className="mt-1 text-sm font-medium text-slate-900">{v.headline}</p>
              {v.detail ? <p className="mt-0.5 text-sm text-slate-700">{v.detail}</p> : null}
              {v.error ? <RawError error={v.error} /> : null}
            </div>
            <div className="flex shrink-0 flex-wrap items-center gap-2">
              {canAct && v.action ? <AttentionAction spec={v.action} subject={v.subject} /> : null}
              <Link href={v.link.href} className={buttonClasses("ghost", "sm")}>
                {v.link.label}
              </Link>
            </div>
          </li>
        ))}
      </ul>
      {data.moreFailedEvents > 0 || data.moreDrift > 0 ? (
        <p className="border-t border-slate-200 px-5 py-3 text-sm text-slate-700">
          {data.moreFailedEvents > 0 ? (
            <Link href="/events?status=failed" className="font-medium text-indigo-700 underline">
              {data.moreFailedEvents} more failed event{data.moreFailedEvents === 1 ? "" : "s"}
            </Link>
          ) : null}
          {data.moreFailedEvents > 0 && data.moreDrift > 0 ? " · " : null}
          {data.moreDrift > 0 ? (
            <Link href="/drift" className="font-medium text-indigo-700 underline">
              {data.moreDrift} more drift difference{data.moreDrift === 1 ? "" : "s"}
            </Link>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}
