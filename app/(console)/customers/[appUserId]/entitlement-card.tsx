// What the customer may use, from Stripe: plan, status, period end and whether it renews.
import { format } from "date-fns";
import type { CustomerEntitlement } from "@/db/queries/customers";
import { StatusBadge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";

const STATUS_HELP: Record<string, string> = {
  none: "No subscription yet: the customer uses the free tier.",
  trialing: "In a trial: access until the trial ends.",
  active: "Paid and in good standing.",
  past_due: "The last payment failed: Stripe is retrying. Access continues for now.",
  canceled: "The subscription ended: no paid access.",
};

export function EntitlementCard({ entitlement }: { entitlement: CustomerEntitlement }) {
  const e = entitlement;
  return (
    <section aria-labelledby="entitlement-title" className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id="entitlement-title" className="text-base font-semibold">
        Entitlement
      </h2>
      <p className="mt-0.5 text-sm text-slate-600">{STATUS_HELP[e.status]}</p>
      <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-3 text-sm">
        <Item label="Plan">
          {e.plan ? <span className="font-medium">{e.plan}</span> : <span className="text-slate-500">None</span>}
        </Item>
        <Item label="Status">
          <StatusBadge status={e.status} />
        </Item>
        <Item label="Current period ends">
          {e.currentPeriodEnd ? (
            <span className="flex flex-col">
              <span>{format(e.currentPeriodEnd, "d MMM yyyy")}</span>
              <RelativeTime date={e.currentPeriodEnd} className="text-xs text-slate-500" />
            </span>
          ) : (
            <span className="text-slate-500">—</span>
          )}
        </Item>
        <Item label="Cancels at period end">
          {e.cancelAtPeriodEnd ? (
            <span className="font-medium text-amber-800">Yes: will not renew</span>
          ) : e.status === "none" ? (
            <span className="text-slate-500">—</span>
          ) : (
            "No, renews"
          )}
        </Item>
        <Item label="Stripe subscription">
          {e.stripeSubscriptionId ? (
            <span className="font-mono text-[13px] break-all">{e.stripeSubscriptionId}</span>
          ) : (
            <span className="text-slate-500">—</span>
          )}
        </Item>
        <Item label="Updated from Stripe">
          <RelativeTime date={e.sourceUpdatedAt} />
        </Item>
      </dl>
    </section>
  );
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5">{children}</dd>
    </div>
  );
}
