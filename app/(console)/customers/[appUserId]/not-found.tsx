// Shown for an app user id the console does not know.
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { buttonClasses } from "@/components/ui/button";

export default function CustomerNotFound() {
  return (
    <>
      <Link href="/customers" className="mb-3 inline-block text-sm text-slate-600 hover:text-slate-900 hover:underline">
        ← Customers
      </Link>
      <h1 className="mb-6 text-2xl font-semibold tracking-tight">Customer not found</h1>
      <EmptyState title="No customer has this app user id">
        <p>
          Check the id for typos, or search by email, name or a Stripe, HubSpot or Zendesk id. A customer appears once
          the app sends <code className="rounded bg-slate-100 px-1 font-mono text-xs">user.signed_up</code> or Stripe
          reports a checkout for them.
        </p>
        <Link href="/customers" className={buttonClasses("secondary", "md", "mt-4")}>
          Search customers
        </Link>
      </EmptyState>
    </>
  );
}
