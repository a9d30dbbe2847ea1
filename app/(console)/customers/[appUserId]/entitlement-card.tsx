// What the customer may use, from Stripe: plan, status, whether that grants access (lib/billing/access),
// period end, whether it renews, the one-time payment behind it and an open dispute.
import type { CustomerEntitlement } from "@/db/queries/customers";
import { StatusBadge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { DATE_ONLY, Time } from "@/components/ui/time";
import { hasAccess, pastDueSentence } from "@/lib/billing/access";

const STATUS_HELP: Record<CustomerEntitlement["status"], () => string> = {
  none: () => "No subscription yet: the customer uses the free tier.",
  incomplete: () => "The first payment of a new subscription failed: nothing was ever paid.",
  trialing: () => "In a trial: access until the trial ends.",
  active: () => "Paid and in good standing.",
  past_due: () => `The last payment failed: Stripe is retrying. ${pastDueSentence()}`,
  canceled: () => "The subscription ended, or the payment behind the access was refunded or lost in a dispute.",
};

/** The entitlement, with the payment fields when the query provides them. */
type Props = {
  entitlement: CustomerEntitlement;
};

export function EntitlementCard({ entitlement }: Props) {
  const e = entitlement;
  return (
    <section aria-labelledby="entitlement-title" className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id="entitlement-title" className="text-base font-semibold">
        Entitlement
      </h2>
      <p className="mt-0.5 text-sm text-slate-600">{STATUS_HELP[e.status]()}</p>
      {e.disputedAt ? (
        <p role="status" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
          A payment of this customer is disputed (since <Time date={e.disputedAt} pattern={DATE_ONLY} />
          ): respond in Stripe before the evidence deadline. A lost dispute removes access bought with that payment.
        </p>
      ) : null}
      <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-3 text-sm">
        <Item label="Plan">
          {e.plan ? <span className="font-medium">{e.plan}</span> : <span className="text-slate-500">None</span>}
        </Item>
        <Item label="Status">
          <StatusBadge status={e.status} />
        </Item>
        <Item label="Paid access">
          {hasAccess(e.status) ? (
            <span className="font-medium">Yes</span>
          ) : (
            <span className="font-medium text-slate-600">No</span>
          )}
        </Item>
        <Item label="Current period ends">
          {e.currentPeriodEnd ? (
            <span className="flex flex-col">
              <Time date={e.currentPeriodEnd} pattern={DATE_ONLY} />
              <RelativeTime date={e.currentPeriodEnd} className="text-xs text-slate-500" />
            </span>
          ) : (
            <span className="text-slate-500">—</span>
          )}
        </Item>
        <Item label="Cancels at period end">
          {e.cancelAtPeriodEnd ? (
            <span className="font-medium text-amber-800">Yes: will not renew</span>
          ) : e.status === "none" || e.status === "incomplete" || e.stripePaymentIntentId ? (
            <span className="text-slate-500">—</span>
          ) : (
            "No, renews"
          )}
        </Item>
        <Item label={e.stripePaymentIntentId ? "Stripe payment" : "Stripe subscription"}>
          {e.stripePaymentIntentId || e.stripeSubscriptionId ? (
            <span className="font-mono text-[13px] break-all">{e.stripePaymentIntentId ?? e.stripeSubscriptionId}</span>
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
