// The flow's service levels over the last 24 hours, each linking to the list behind it.
import Link from "next/link";
import type { FlowFigures } from "@/db/queries/flow-figures";

function Stat({
  href,
  label,
  value,
  note,
  bad,
}: {
  href: string;
  label: string;
  value: string;
  note: string;
  bad?: boolean;
}) {
  return (
    <Link href={href} className="rounded-lg border border-slate-200 bg-white p-4 hover:border-slate-400">
      <span className="block text-sm font-medium text-slate-600">{label}</span>
      <span className={`mt-1 block text-2xl font-semibold tabular-nums ${bad ? "text-red-700" : "text-slate-900"}`}>
        {value}
      </span>
      <span className="mt-1 block text-xs text-slate-600">{note}</span>
    </Link>
  );
}

const seconds = (v: number | null) => (v === null ? "—" : v < 1 ? `${Math.round(v * 1000)} ms` : `${v.toFixed(1)} s`);
const percent = (v: number | null) => (v === null ? "—" : `${v < 10 ? v.toFixed(1) : Math.round(v)}%`);

export function FlowFiguresGrid({
  f,
  paymentDelayThreshold,
  failureRateThreshold,
}: {
  f: FlowFigures;
  paymentDelayThreshold: number;
  failureRateThreshold: number;
}) {
  const since = encodeURIComponent(f.since.toISOString());
  const recovered = f.failed - f.failedNow;
  // Each p95 is measured over the Stripe payment events of the window: link to the type that has them.
  const paymentsHref = (type: string) => `/events?source=stripe&type=${type}&from=${since}`;
  const paymentsLink =
    f.payments.invoice > 0 && f.payments.checkout === 0
      ? paymentsHref("invoice.paid")
      : paymentsHref("checkout.session.completed");
  const paymentsNote = (p95: number | null) =>
    p95 === null
      ? "No payments in 24 h"
      : `${f.payments.checkout} checkout${f.payments.checkout === 1 ? "" : "s"}, ${f.payments.invoice} invoice${f.payments.invoice === 1 ? "" : "s"} paid · alert above ${paymentDelayThreshold} s`;
  return (
    <section
      aria-label="Service levels, last 24 hours"
      className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4"
    >
      <Stat
        href={`/events?status=failed&from=${since}`}
        label="Webhook failure rate"
        value={percent(f.failureRatePercent)}
        note={`${f.failed} of ${f.processed} failed at least once in 24 h${recovered > 0 ? ` (${recovered} recovered, ${f.failedNow} still failed)` : ""}`}
        bad={(f.failureRatePercent ?? 0) > failureRateThreshold}
      />
      <Stat
        href={paymentsLink}
        label="Payment → entitlement (p95)"
        value={seconds(f.entitlementP95Seconds)}
        note={paymentsNote(f.entitlementP95Seconds)}
        bad={(f.entitlementP95Seconds ?? 0) > paymentDelayThreshold}
      />
      <Stat
        href={paymentsLink}
        label="Payment → CRM (p95)"
        value={seconds(f.crmP95Seconds)}
        note={paymentsNote(f.crmP95Seconds)}
        bad={(f.crmP95Seconds ?? 0) > paymentDelayThreshold}
      />
      <Stat
        href={`/events?type=support.requested&from=${since}`}
        label="Tickets on first attempt"
        value={percent(f.ticketsFirstAttemptPercent)}
        note={f.tickets ? `${f.tickets} ticket${f.tickets === 1 ? "" : "s"} in 24 h` : "No tickets in 24 h"}
        bad={f.ticketsFirstAttemptPercent !== null && f.ticketsFirstAttemptPercent < 95}
      />
    </section>
  );
}
