"use client";
// Side navigation of the console; highlights the current section. The same list fills the phone menu.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/customers", label: "Customers" },
  { href: "/events", label: "Events" },
  { href: "/alerts", label: "Alerts" },
  { href: "/deliveries", label: "Rejected deliveries" },
  { href: "/drift", label: "Drift" },
  { href: "/latency", label: "Latency" },
  { href: "/erasures", label: "Erasures" },
  { href: "/readiness", label: "Readiness" },
  { href: "/audit", label: "Audit log" },
] as const;

export function ConsoleNav({ showUsers, onNavigate }: { showUsers: boolean; onNavigate?: () => void }) {
  const pathname = usePathname();
  const links = [
    ...LINKS,
    ...(showUsers ? [{ href: "/users", label: "Users" }] : []),
    { href: "/account", label: "Account" },
  ];
  return (
    <nav aria-label="Console" className="flex flex-col gap-0.5">
      {links.map((link) => {
        const active = link.href === "/" ? pathname === "/" : pathname.startsWith(link.href);
        return (
          <Link
            key={link.href}
            href={link.href}
            onClick={onNavigate}
            aria-current={active ? "page" : undefined}
            className={cn(
              "rounded-md px-3 py-2 text-sm font-medium",
              active ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-200",
            )}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
