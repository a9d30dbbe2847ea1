// The customer page's "Privacy" card: a person's data requests. "Download data" (admins and owners) gives one
// JSON file of what every system holds about them; "Erase this person" (owners) starts an erasure after a typed
// confirmation. Whoever may not do either is told who can, rather than shown a button that refuses. While an
// erasure of the person runs (or stopped at a failed step) the card links to it instead of offering another.
import Link from "next/link";
import type { Role } from "@/db/schema";
import { hasRole } from "@/lib/auth/roles";
import { buttonClasses } from "@/components/ui/button";
import { StatusBadge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import { ErasePersonButton } from "./erase-person-button";

type Props = {
  appUserId: string;
  email: string | null;
  displayName: string;
  role: Role;
  /** The person's erasure when one was started (running, or stopped at a failed step). */
  erasure: { id: string; status: "running" | "completed" | "failed"; requestedAt: Date; requestedBy: string } | null;
  stripeCancel: "now" | "period_end";
  /** A payer the app has not announced: erased with the app user who claims them, not on their own. */
  provisional?: boolean;
};

export function PrivacyCard({ appUserId, email, displayName, role, erasure, stripeCancel, provisional }: Props) {
  const canExport = hasRole(role, "admin");
  const canErase = role === "owner" && !provisional;
  const dataUrl = `/api/admin/customers/${encodeURIComponent(appUserId)}/data`;
  return (
    <Card as="section" aria-labelledby="privacy-title">
      <CardTitle id="privacy-title">Privacy</CardTitle>
      <p className="mt-0.5 text-sm text-slate-600">
        Data requests for this person: a copy of what every system holds about them, or erasure everywhere (account
        deletion).
      </p>
      {erasure ? (
        <div
          className={`mt-4 flex flex-wrap items-center gap-3 rounded-md border px-4 py-3 text-sm ${
            erasure.status === "failed"
              ? "border-red-200 bg-red-50 text-red-900"
              : "border-sky-200 bg-sky-50 text-sky-900"
          }`}
        >
          <StatusBadge status={erasure.status} />
          <span>
            {erasure.status === "failed"
              ? "Their erasure stopped at a failed step: open it to see why and replay it."
              : "Their erasure is under way."}{" "}
            Requested <Time date={erasure.requestedAt} /> by {erasure.requestedBy}.
          </span>
          <Link href={`/erasures/${erasure.id}`} className="font-medium underline">
            View the erasure
          </Link>
        </div>
      ) : null}
      {/* Erasing needs the owner role, which includes admin: no export, no buttons at all. */}
      {canExport ? (
        <div className="mt-4 flex flex-wrap items-start gap-3">
          <a href={dataUrl} download className={buttonClasses("secondary")}>
            Download data
          </a>
          {canErase && !erasure ? (
            <ErasePersonButton
              appUserId={appUserId}
              email={email}
              displayName={displayName}
              stripeCancel={stripeCancel}
            />
          ) : null}
        </div>
      ) : null}
      {!canErase ? (
        <p className="mt-3 text-sm text-slate-600">
          {provisional && role === "owner"
            ? "A payer not in the app yet cannot be erased on their own: erase the app user who claims them, or ask your app to send user.deleted."
            : canExport
              ? "Only an owner can erase a person (it cannot be undone)."
              : "Downloading a person's data needs the admin role, and erasing them the owner role."}
        </p>
      ) : null}
    </Card>
  );
}
