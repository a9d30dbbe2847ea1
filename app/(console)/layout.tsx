// Console shell: every page below requires a signed-in user (the proxy redirects early; this checks the session).
import Link from "next/link";
import { requirePageActor } from "@/lib/auth/access";
import { hasRole } from "@/lib/auth/roles";
import { ConsoleNav } from "@/components/console/nav";
import { signOutAction } from "@/lib/actions/sign-out-action";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  // Each page checks its own access (and sends a user with a temporary password to the Account page).
  const actor = await requirePageActor("viewer", "/", { allowTemporaryPassword: true });
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 flex h-screen w-56 shrink-0 flex-col border-r border-slate-200 bg-white px-3 py-4">
        <Link href="/" className="mb-6 px-3 text-base font-semibold tracking-tight">
          Founder Ops
        </Link>
        <ConsoleNav showUsers={hasRole(actor.role, "owner")} />
        <div className="mt-auto border-t border-slate-200 px-3 pt-4 text-sm">
          <p className="truncate font-medium" title={actor.email}>
            {actor.email}
          </p>
          <p className="text-slate-500 capitalize">{actor.role}</p>
          <form action={signOutAction} className="mt-3">
            <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100">
              Sign out
            </button>
          </form>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-6">{children}</main>
    </div>
  );
}
