// Console shell: every page below requires a signed-in user (the proxy redirects early; this checks the session).
// From `md` up a sticky sidebar; below it a top bar whose menu button opens the same navigation in a sheet.
import Link from "next/link";
import { requirePageActor } from "@/lib/auth/access";
import { hasRole } from "@/lib/auth/roles";
import { ConsoleNav } from "@/components/console/nav";
import { MobileNav } from "@/components/console/mobile-nav";
import { AccountBox } from "@/components/console/account-box";
import { MediaMount, DESKTOP, PHONE } from "@/components/console/media-mount";
import { SkipLink } from "@/components/ui/skip-link";
import { CommandPalette } from "@/components/search/command-palette";
import { ActorRoleProvider } from "@/components/console/actor-role";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  // Each page checks its own access (and sends a user with a temporary password to the Account page).
  const actor = await requirePageActor("viewer", "/", { allowTemporaryPassword: true });
  const showUsers = hasRole(actor.role, "owner");
  const account = <AccountBox email={actor.email} role={actor.role} />;
  return (
    <>
      <SkipLink />
      <MobileNav
        showUsers={showUsers}
        footer={account}
        search={
          <MediaMount query={PHONE}>
            <CommandPalette className="ml-auto w-auto" />
          </MediaMount>
        }
      />
      <div className="flex min-h-screen">
        <aside className="sticky top-0 hidden h-screen w-56 shrink-0 flex-col overflow-y-auto border-r border-slate-200 bg-white px-3 py-4 md:flex">
          <Link href="/" className="mb-4 px-3 text-base font-semibold tracking-tight">
            Founder Ops
          </Link>
          <MediaMount query={DESKTOP}>
            <CommandPalette className="mb-4" />
          </MediaMount>
          <ConsoleNav showUsers={showUsers} />
          <div className="mt-auto pt-4">{account}</div>
        </aside>
        {/* tabIndex -1: the skip link moves focus here, so the next Tab continues inside the page. */}
        <main id="content" tabIndex={-1} className="min-w-0 flex-1 px-4 py-5 outline-none sm:px-6 md:px-8 md:py-6">
          <ActorRoleProvider role={actor.role}>{children}</ActorRoleProvider>
        </main>
      </div>
    </>
  );
}
