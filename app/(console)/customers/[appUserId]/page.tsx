// One customer everywhere: identity in each system (and how it was linked), entitlement, tickets,
// alerts and every event with its outcome. Admins can re-sync the CRM and fix identity links; the Privacy card
// downloads the person's data (admins) or erases them (owners). An erased person shows their tombstone only.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { requirePageActor } from "@/lib/auth/access";
import { hasRole } from "@/lib/auth/roles";
import { getDb } from "@/db";
import { getCustomerByAppUserId } from "@/db/queries/customers";
import { customerByIdentity, pendingClaimsOf } from "@/db/queries/identities";
import { listEvents } from "@/db/queries/events";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { listCustomerAlerts } from "@/db/queries/alerts";
import { lastDeletedStripeCustomer, lastSyncBySystem } from "@/db/queries/event-steps";
import { listCustomerTickets } from "@/db/queries/support-tickets";
import { intercomConversationUrl, zendeskTicketUrl } from "@/lib/links/external";
import { IdentityPanel } from "./identity-panel";
import { EntitlementCard } from "./entitlement-card";
import { CustomerTimeline } from "./customer-timeline";
import { CustomerAlerts, SupportTickets } from "./support-and-alerts";
import { ResyncButton } from "./resync-button";
import { PayerCard, PendingClaims } from "./claim-card";
import { RecoveryPanel } from "./recovery-panel";
import { env } from "@/lib/env";
import { erasureForCustomer, latestErasureOfSubject } from "@/db/queries/erasures";
import { subjectHash } from "@/lib/erasure/subjects";
import { ErasedPerson } from "@/components/erasure/erased-person";
import { PrivacyCard } from "@/components/erasure/privacy-card";

type Params = { params: Promise<{ appUserId: string }> };

const TIMELINE_SIZE = 50;

/** Route params arrive encoded when the id has characters a URL escapes. */
function decodeParam(value: string): string {
  try {
    return /%[0-9a-f]{2}/i.test(value) ? decodeURIComponent(value) : value;
  } catch {
    return value;
  }
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Customer ${decodeParam((await params).appUserId)}` };
}

export default async function CustomerPage({ params }: Params) {
  const appUserId = decodeParam((await params).appUserId);
  const actor = await requirePageActor("viewer", `/customers/${encodeURIComponent(appUserId)}`);
  const db = await getDb();
  const found = await getCustomerByAppUserId(db, appUserId);
  if (!found) {
    // A payer's page after an app user claimed them: the customer they became.
    const claimedBy = appUserId.startsWith("stripe:")
      ? await customerByIdentity(db, "stripe", appUserId.slice("stripe:".length))
      : undefined;
    if (claimedBy) redirect(`/customers/${encodeURIComponent(claimedBy.appUserId)}`);
    // An erased person is found by the hash of the id the founder knows them by, never by a name.
    const erased = await latestErasureOfSubject(db, subjectHash("app", appUserId));
    if (erased?.completedAt)
      return <ErasedPerson erasedAt={erased.completedAt} erasedBy={erased.requestedBy} erasureId={erased.id} />;
    notFound();
  }
  const { customer, identities, entitlement } = found;
  if (customer.erasedAt) {
    const erasure = await erasureForCustomer(db, customer.id);
    return (
      <ErasedPerson erasedAt={customer.erasedAt} erasedBy={customer.erasedBy} erasureId={erasure?.erasure.id ?? null} />
    );
  }
  const [timeline, tickets, alerts, lastSync, claims, deletedStripe, erasure] = await Promise.all([
    listEvents(db, { customer: customer.id, perPage: TIMELINE_SIZE }),
    listCustomerTickets(db, customer),
    listCustomerAlerts(db, customer.id),
    lastSyncBySystem(db, customer.id),
    customer.provisional ? [] : pendingClaimsOf(db, customer.appUserId),
    identities.some((i) => i.system === "stripe") ? undefined : lastDeletedStripeCustomer(db, customer.id),
    erasureForCustomer(db, customer.id),
  ]);
  const canEdit = hasRole(actor.role, "admin");
  const name = customer.name ?? customer.email ?? customer.appUserId;
  const who = customer.provisional ? "Payer not in the app yet" : `App user ${customer.appUserId}`;

  return (
    <>
      <Link href="/customers" className="mb-3 inline-block text-sm text-slate-600 hover:text-slate-900 hover:underline">
        ← Customers
      </Link>
      <PageHeader
        title={name}
        description={[customer.name ? customer.email : null, who].filter(Boolean).join(" · ")}
        actions={
          // A payer with a claim pending shares the app user's HubSpot contact: nothing to re-sync on its own.
          canEdit && !customer.pendingClaimAppUserId ? <ResyncButton appUserId={customer.appUserId} /> : undefined
        }
      />
      <p className="-mt-4 mb-6 text-sm text-slate-500">
        {customer.provisional ? "First payment seen" : "Signed up"}{" "}
        <RelativeTime date={customer.signedUpAt ?? customer.createdAt} /> · profile updated{" "}
        <RelativeTime date={customer.updatedAt} />
        {canEdit ? null : <span> · You have read-only access: an admin can re-sync or fix links.</span>}
      </p>
      <div className="flex flex-col gap-6">
        {customer.provisional ? <PayerCard payer={customer} canEdit={canEdit} /> : null}
        <PendingClaims appUserId={customer.appUserId} payers={claims} canEdit={canEdit} />
        <IdentityPanel
          appUserId={customer.appUserId}
          customerName={name}
          identities={identities}
          lastSync={lastSync}
          canEdit={canEdit}
          payer={customer.provisional ? { pendingClaimAppUserId: customer.pendingClaimAppUserId } : undefined}
          deletedStripe={deletedStripe}
        />
        <div className="grid gap-6 lg:grid-cols-2">
          <EntitlementCard entitlement={entitlement} />
          <CustomerAlerts alerts={alerts} />
        </div>
        <RecoveryPanel customer={customer} identities={identities} canEdit={canEdit} />
        <SupportTickets tickets={tickets} ticketUrl={zendeskTicketUrl} conversationUrl={intercomConversationUrl} />
        <CustomerTimeline rows={timeline.rows} total={timeline.total} appUserId={customer.appUserId} />
        <PrivacyCard
          appUserId={customer.appUserId}
          email={customer.email}
          displayName={name}
          role={actor.role}
          erasure={
            erasure
              ? {
                  id: erasure.erasure.id,
                  status: erasure.status,
                  requestedAt: erasure.erasure.requestedAt,
                  requestedBy: erasure.erasure.requestedBy,
                }
              : null
          }
          stripeCancel={env.ERASURE_STRIPE_CANCEL}
          provisional={customer.provisional}
        />
      </div>
    </>
  );
}
