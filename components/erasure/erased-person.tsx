// What the customer page shows for an erased person: the tombstone (when, by whom) and the way to the erasure's
// receipt, nothing else. The name, email and identities are gone by design; later events about the person are
// kept but ignored.
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { requesterLabel } from "./receipt";

type Props = { erasedAt: Date; erasedBy: string | null; erasureId: string | null };

export function ErasedPerson({ erasedAt, erasedBy, erasureId }: Props) {
  return (
    <>
      <Link href="/customers" className="mb-3 inline-block text-sm text-slate-600 hover:text-slate-900 hover:underline">
        ← Customers
      </Link>
      <PageHeader title="Erased person" description="This customer's data was erased at their request." />
      <Card as="section" aria-labelledby="tombstone-title" className="max-w-2xl">
        <h2 id="tombstone-title" className="text-base font-semibold text-slate-900">
          Erased <Time date={erasedAt} />
          {erasedBy ? <span className="font-normal text-slate-600"> · by {requesterLabel(erasedBy)}</span> : null}
        </h2>
        <p className="mt-2 text-sm text-slate-700">
          Their name, email and links to Stripe, HubSpot and the support tool were removed, and the copies we kept
          (payloads, tickets, alerts, audit details) redacted. Only a one-way hash of their app user id remains, so a
          late event about them is recognised, stored as ignored and never recreates them anywhere.
        </p>
        {erasureId ? (
          <Link href={`/erasures/${erasureId}`} className={buttonClasses("primary", "md", "mt-4")}>
            View the erasure receipt
          </Link>
        ) : (
          <p className="mt-3 text-sm text-slate-600">No erasure record is linked to this tombstone.</p>
        )}
      </Card>
    </>
  );
}
