// Account (every signed-in user): change your password, see where you are signed in, sign out elsewhere,
// and the display settings of this browser (time zone, theme).
// A user whose password an owner reset lands here until they choose their own.
import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db";
import { listActiveSessions } from "@/db/queries/user-sessions";
import { ACCOUNT_PATH, requirePageActor } from "@/lib/auth/access";
import { SESSION_MAX_AGE } from "@/lib/auth/next-auth";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { ChangePasswordForm } from "./change-password-form";
import { SignOutOthersButton } from "./sign-out-others-button";
import { DisplaySettings } from "./display-settings";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const actor = await requirePageActor("viewer", ACCOUNT_PATH);
  const sessions = await listActiveSessions(await getDb(), actor.id!, new Date(Date.now() - SESSION_MAX_AGE * 1000));
  const others = sessions.filter((s) => s.id !== actor.sessionId).length;
  return (
    <>
      <PageHeader title="Account" description={`Signed in as ${actor.email} (${actor.role}).`} />
      <div className="flex max-w-4xl min-w-0 flex-col gap-6">
        {actor.mustChangePassword ? (
          <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
            <p className="font-medium">Choose your own password to continue.</p>
            <p className="mt-1">
              An owner gave you a temporary password. The rest of the console opens once you change it below.
            </p>
          </div>
        ) : null}
        <ChangePasswordForm mustChange={Boolean(actor.mustChangePassword)} />
        {actor.mustChangePassword ? null : (
          <section aria-labelledby="sessions-title" className="rounded-lg border border-slate-200 bg-white">
            <div className="flex flex-wrap items-start justify-between gap-4 p-5 pb-3">
              <div>
                <h2 id="sessions-title" className="text-base font-semibold">
                  Where you are signed in
                </h2>
                <p className="mt-0.5 text-sm text-slate-600">
                  Sessions still open on any browser. Signing out ends one at once, even if its cookie was copied.
                </p>
              </div>
              <SignOutOthersButton others={others} />
            </div>
            {/* Scrolls sideways inside the card on a phone instead of widening the page. */}
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Your active sessions</caption>
                <thead className="border-y border-slate-200 bg-slate-50 text-xs font-medium tracking-wide whitespace-nowrap text-slate-600 uppercase">
                  <tr>
                    <th scope="col" className="px-5 py-2.5">
                      Browser
                    </th>
                    <th scope="col" className="px-5 py-2.5">
                      From
                    </th>
                    <th scope="col" className="px-5 py-2.5">
                      Signed in
                    </th>
                    <th scope="col" className="px-5 py-2.5">
                      Last active
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {sessions.map((s) => (
                    <tr key={s.id} data-session={s.id === actor.sessionId ? "current" : "other"}>
                      <th scope="row" className="max-w-md px-5 py-3 font-normal">
                        <span className="block truncate" title={s.userAgent ?? undefined}>
                          {s.userAgent || "Unknown browser"}
                        </span>
                        {s.id === actor.sessionId ? (
                          <span className="mt-0.5 inline-block rounded bg-emerald-50 px-1.5 text-xs font-medium text-emerald-800">
                            This session
                          </span>
                        ) : null}
                      </th>
                      <td className="px-5 py-3 font-mono text-xs text-slate-600">{s.clientAddress ?? "—"}</td>
                      <td className="px-5 py-3 text-slate-600">
                        <RelativeTime date={s.createdAt} />
                      </td>
                      <td className="px-5 py-3 text-slate-600">
                        <RelativeTime date={s.lastSeenAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        )}
        {actor.mustChangePassword ? null : <DisplaySettings />}
        {actor.mustChangePassword ? null : (
          <p className="text-sm text-slate-600">
            Forgot your password? Ask an owner to reset it from the{" "}
            {actor.role === "owner" ? (
              <Link href="/users" className="underline underline-offset-2 hover:text-slate-900">
                Users
              </Link>
            ) : (
              "Users"
            )}{" "}
            page.
          </p>
        )}
      </div>
    </>
  );
}
