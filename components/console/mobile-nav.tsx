"use client";
// Below `md` the sidebar is hidden: a top bar with a menu button opens the same navigation in a sheet,
// which closes when a link is followed.
import { useState } from "react";
import Link from "next/link";
import { Sheet, SheetContent, SheetTrigger } from "@/components/ui/sheet";
import { ConsoleNav } from "./nav";

export function MobileNav({
  showUsers,
  footer,
  search,
}: {
  showUsers: boolean;
  footer: React.ReactNode;
  /** The global search's trigger, at the right of the bar. */
  search?: React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  return (
    <div className="sticky top-0 z-30 flex items-center gap-2 border-b border-slate-200 bg-white px-3 py-2 md:hidden">
      <Sheet open={open} onOpenChange={setOpen}>
        <SheetTrigger
          className="inline-flex size-10 items-center justify-center rounded-md text-slate-800 hover:bg-slate-100"
          aria-label="Open menu"
        >
          <svg aria-hidden viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
            <path d="M3 5h14M3 10h14M3 15h14" strokeLinecap="round" />
          </svg>
        </SheetTrigger>
        <SheetContent title="Founder Ops">
          <ConsoleNav showUsers={showUsers} onNavigate={() => setOpen(false)} />
          <div className="mt-auto">{footer}</div>
        </SheetContent>
      </Sheet>
      <Link href="/" className="text-base font-semibold tracking-tight">
        Founder Ops
      </Link>
      {search}
    </div>
  );
}
