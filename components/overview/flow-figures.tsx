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
      <span className="mt-1 block text-xs text-slate-500">{note}</span>
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
  const since = f.since.toISOString();
  return (
    <section aria-label="Service levels, last 24 hours" className="grid grid-cols-2 gap-4 xl:grid-cols-4">
      <Stat
        href={`/events?status=failed&from=${encodeURIComponent(since)}`}
        label="Webhook failure rate"
        value={percent(f.failureRatePercent)}
        note={`${f.failed} of ${f.processed} processed in 24 h`}
        bad={(f.failureRatePercent ?? 0) > failureRateThreshold}
      />
      <Stat
        href="/events?source=stripe&type=invoice.paid"
        label="Payment → entitlement (p95)"
        value={seconds(f.entitlementP95Seconds)}
        note={f.entitlementP95Seconds === null ? "No payments in 24 h" : `Alert above ${paymentDelayThreshold} s`}
        bad={(f.entitlementP95Seconds ?? 0) > paymentDelayThreshold}
      />
      <Stat
        href="/events?source=stripe&type=checkout.session.completed"
        label="Payment → CRM (p95)"
        value={seconds(f.crmP95Seconds)}
        note={f.crmP95Seconds === null ? "No payments in 24 h" : `Alert above ${paymentDelayThreshold} s`}
        bad={(f.crmP95Seconds ?? 0) > paymentDelayThreshold}
      />
      <Stat
        href="/events?type=support.requested"
        label="Tickets on first attempt"
        value={percent(f.ticketsFirstAttemptPercent)}
        note={f.tickets ? `${f.tickets} ticket${f.tickets === 1 ? "" : "s"} in 24 h` : "No tickets in 24 h"}
        bad={f.ticketsFirstAttemptPercent !== null && f.ticketsFirstAttemptPercent < 95}
      />
    </section>
  );
}
