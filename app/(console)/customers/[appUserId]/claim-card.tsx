// A payer the app has not announced yet (a provisional customer), and claims on it that wait for the founder:
// shown on the payer's page and on the page of the app user who claims it.
import Link from "next/link";
import type { Customer } from "@/db/schema";
import { RelativeTime } from "@/components/ui/relative-time";
import { ClaimActions } from "./claim-actions";

const customerHref = (appUserId: string) => `/customers/${encodeURIComponent(appUserId)}`;

/** On a provisional customer's page: who they are, and the claim waiting on them. */
export function PayerCard({ payer, canEdit }: { payer: Customer; canEdit: boolean }) {
  const claimant = payer.pendingClaimAppUserId;
  return (
    <section aria-labelledby="payer-title" className="rounded-lg border border-amber-200 bg-amber-50 p-5">
      <h2 id="payer-title" className="text-base font-semibold text-amber-950">
        Paid, not in the app yet
      </h2>
      <p className="mt-1 text-sm text-amber-900">
        This person paid in Stripe{payer.email ? ` as ${payer.email}` : ""} before (or without) signing up in your app.
        What they paid for is recorded here. When the app announces a user with this email, that user gets it
        automatically.
      </p>
      {claimant ? (
        <div className="mt-3 rounded-md border border-amber-300 bg-white p-3 text-sm">
          <p className="text-slate-800">
            App user{" "}
            <Link href={customerHref(claimant)} className="font-medium underline">
              {claimant}
            </Link>{" "}
            signed up with this email <RelativeTime date={payer.pendingClaimAt ?? payer.updatedAt} />, but the app says
            the email is not verified yet, so they get no access from this payment until you confirm it is them (or the
            app verifies the email).
          </p>
          {canEdit ? (
            <div className="mt-3">
              <ClaimActions target={{ provisionalKey: payer.appUserId, appUserId: claimant }} goToAppUser />
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** On an app user's page: payments made with their (unverified) email that wait for the founder. */
export function PendingClaims({
  appUserId,
  payers,
  canEdit,
}: {
  appUserId: string;
  payers: Customer[];
  canEdit: boolean;
}) {
  if (!payers.length) return null;
  return (
    <section aria-labelledby="claims-title" className="rounded-lg border border-amber-200 bg-amber-50 p-5">
      <h2 id="claims-title" className="text-base font-semibold text-amber-950">
        A payment waits for your confirmation
      </h2>
      <ul className="mt-2 flex flex-col gap-3 text-sm text-amber-900">
        {payers.map((payer) => (
          <li key={payer.id}>
            <p>
              Someone paid as {payer.email ?? "this email"} (
              <Link href={customerHref(payer.appUserId)} className="underline">
                see the payment
              </Link>
              ). The app says this user&apos;s email is not verified, so the access it paid for is not granted until you
              confirm it is them.
            </p>
            {canEdit ? (
              <div className="mt-2">
                <ClaimActions target={{ provisionalKey: payer.appUserId, appUserId }} goToAppUser={false} />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
