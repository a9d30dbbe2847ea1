// The unified identity: one row per system with its id (linked into the tool), how the link was made,
// and the last sync; email matches can be confirmed or unlinked, and a missing link made by hand.
import Link from "next/link";
import type { ReactNode } from "react";
import type { Identity } from "@/db/schema";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { LINKABLE_SYSTEMS, type LinkableSystem } from "@/lib/commands/customers";
import { externalUrl } from "@/lib/links/external";
import type { LastSync } from "@/db/queries/event-steps";
import type { SyncedSystem } from "@/lib/pipeline/engine/step-names";
import { IdentityActions } from "./identity-actions";
import { LinkIdentityForm } from "./link-identity-form";

const SYSTEMS = [
  { id: "app", label: "App", record: "App user", missing: "" },
  {
    id: "stripe",
    label: "Stripe",
    record: "Customer",
    missing: "Linked when a checkout carries the app user id, or by a unique email.",
  },
  { id: "hubspot", label: "HubSpot", record: "Contact", missing: "Made by the next CRM sync: use Re-sync to CRM." },
  {
    id: "zendesk",
    label: "Zendesk",
    record: "Requester",
    missing: "Linked with the customer's first support request.",
  },
] as const;

type Props = {
  appUserId: string;
  customerName: string;
  identities: Identity[];
  lastSync: Partial<Record<SyncedSystem, LastSync>>;
  canEdit: boolean;
  /** A payer not in the app yet, and the app user whose claim on them waits (if any). */
  payer?: { pendingClaimAppUserId: string | null };
  /** The Stripe customer deleted in Stripe (its link removed), when that is why Stripe is missing. */
  deletedStripe?: { stripeCustomerId: string; at: Date };
};

export function IdentityPanel({ appUserId, customerName, identities, lastSync, canEdit, payer, deletedStripe }: Props) {
  const bySystem = new Map(identities.map((i) => [i.system, i]));
  const firstMissing = LINKABLE_SYSTEMS.find((s) => !bySystem.has(s));
  return (
    <section aria-labelledby="identity-title" className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id="identity-title" className="text-base font-semibold">
        Identity
      </h2>
      <p className="mt-0.5 text-sm text-slate-600">The same person in each system. The app is the source of truth.</p>
      <table className="mt-3 w-full text-left text-sm">
        <caption className="sr-only">Linked identities of {customerName}</caption>
        <thead className="border-b border-slate-200 text-xs font-medium tracking-wide text-slate-500 uppercase">
          <tr>
            <th scope="col" className="py-2 pr-4">
              System
            </th>
            <th scope="col" className="py-2 pr-4">
              External id
            </th>
            <th scope="col" className="py-2 pr-4">
              How it was linked
            </th>
            <th scope="col" className="py-2 pr-4">
              Last sync
            </th>
            {canEdit ? (
              <th scope="col" className="py-2 text-right">
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {SYSTEMS.map((s) => {
            const link = bySystem.get(s.id);
            const sync = s.id === "app" ? undefined : lastSync[s.id];
            return (
              <tr key={s.id} data-system={s.id} className="align-top">
                <th scope="row" className="py-3 pr-4 font-medium">
                  {s.label}
                  <span className="block text-xs font-normal text-slate-500">{s.record}</span>
                </th>
                <td className="py-3 pr-4">
                  {link ? (
                    <ExternalId system={s.id} id={link.externalId} label={s.label} />
                  ) : s.id === "app" && payer ? (
                    <Missing hint="Not signed up yet: the app user who signs up with this email gets this payment." />
                  ) : s.id === "hubspot" && payer?.pendingClaimAppUserId ? (
                    <Missing
                      hint={`HubSpot keeps one contact per email: it follows ${payer.pendingClaimAppUserId} until the claim is settled.`}
                    />
                  ) : s.id === "stripe" && deletedStripe ? (
                    <Missing
                      hint={
                        <>
                          Stripe customer <span className="font-mono">{deletedStripe.stripeCustomerId}</span> was
                          deleted in Stripe <RelativeTime date={deletedStripe.at} />; the link was removed.
                        </>
                      }
                    />
                  ) : (
                    <Missing hint={s.missing} />
                  )}
                </td>
                <td className="py-3 pr-4">
                  {link ? <HowLinked link={link} /> : <span className="text-slate-500">—</span>}
                </td>
                <td className="py-3 pr-4">
                  {s.id === "app" ? (
                    <span className="text-slate-600">{payer ? "—" : "Source of truth"}</span>
                  ) : (
                    <SyncState link={link} sync={sync} />
                  )}
                </td>
                {canEdit ? (
                  <td className="py-3">
                    {link && s.id !== "app" && (!link.verified || link.matchedBy === "manual") ? (
                      <IdentityActions
                        target={{ appUserId, system: s.id as LinkableSystem, externalId: link.externalId }}
                        label={s.label}
                        canConfirm={!link.verified}
                        customerName={customerName}
                      />
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      {canEdit ? (
        <LinkIdentityForm appUserId={appUserId} suggested={firstMissing ?? "stripe"} open={Boolean(firstMissing)} />
      ) : null}
    </section>
  );
}

function ExternalId({ system, id, label }: { system: Identity["system"]; id: string; label: string }) {
  const url = externalUrl(system, id);
  const text = <span className="font-mono text-[13px] break-all">{id}</span>;
  if (!url) {
    if (system !== "hubspot") return text;
    return (
      <span className="flex flex-col">
        {text}
        <span className="text-xs text-slate-500">Set HUBSPOT_PORTAL_ID to link into HubSpot</span>
      </span>
    );
  }
  return (
    <a href={url} target="_blank" rel="noreferrer" className="text-indigo-700 hover:underline">
      {text}
      <span aria-hidden> ↗</span>
      <span className="sr-only"> (opens in {label})</span>
    </a>
  );
}

function Missing({ hint }: { hint: ReactNode }) {
  return (
    <span className="flex flex-col items-start gap-1">
      <Badge variant="muted">Missing</Badge>
      <span className="max-w-56 text-xs text-slate-500">{hint}</span>
    </span>
  );
}

function HowLinked({ link }: { link: Identity }) {
  if (link.matchedBy === "manual") return <Badge variant="info">By hand</Badge>;
  if (link.matchedBy === "id") return <Badge variant="success">By our id</Badge>;
  if (!link.verified) {
    return (
      <span className="flex flex-col items-start gap-1">
        <Badge variant="warning">By email — unverified</Badge>
        <span className="max-w-56 text-xs text-slate-500">
          Only the email matched. Confirm it is the same person, or unlink it.
        </span>
      </span>
    );
  }
  return <Badge variant="success">By email — confirmed</Badge>;
}

function SyncState({ link, sync }: { link: Identity | undefined; sync: LastSync | undefined }) {
  const failed = sync?.status === "failed";
  return (
    <span className="flex flex-col items-start gap-1">
      {link?.lastSyncedAt ? (
        <RelativeTime date={link.lastSyncedAt} />
      ) : link ? (
        <span className="text-slate-500">Not synced yet</span>
      ) : failed ? null : (
        <span className="text-slate-500">—</span>
      )}
      {failed ? (
        <Link
          href={`/events/${sync.eventId}`}
          className="group flex flex-col items-start gap-1"
          title={sync.error ?? undefined}
        >
          <StatusBadge status="failed" title="The last sync step failed" />
          <span className="line-clamp-2 max-w-64 text-xs text-red-700 group-hover:underline">
            {sync.errorStatus ? `${sync.errorStatus}: ` : ""}
            {sync.errorMessage ?? sync.error ?? "See the event"}
          </span>
        </Link>
      ) : null}
    </span>
  );
}
