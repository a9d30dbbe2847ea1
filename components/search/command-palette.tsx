"use client";
// The global search (⌘K / Ctrl+K, or the "Search" button): a customer by name, email, app user id or Stripe
// id, an event by our id, its source id (evt_…) or correlation id. Results come from GET /api/admin/search
// (session checked there); choosing one opens its page. cmdk gives the list's keyboard handling; a Radix
// dialog traps focus while open and gives it back to what had it.
import { useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { Command } from "cmdk";
import { Dialog } from "radix-ui";
import { cn } from "@/lib/utils";
import { Time } from "@/components/ui/time";

type CustomerHit = {
  appUserId: string;
  name: string | null;
  email: string | null;
  provisional: boolean;
  matchedId: string | null;
  href: string;
};
type EventHit = {
  id: string;
  type: string;
  source: string;
  externalId: string;
  status: string;
  receivedAt: string;
  href: string;
};
type Results = { q: string; customers: CustomerHit[]; events: EventHit[] };

const DEBOUNCE_MS = 200;

/**
 * Mounted in the console layout: its own "Search" trigger button, and (unless `shortcut` is false, for a
 * second mount such as the phone's top bar) ⌘K / Ctrl+K anywhere.
 */
export function CommandPalette({ className, shortcut = true }: { className?: string; shortcut?: boolean }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!shortcut) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() === "k" && (e.metaKey || e.ctrlKey) && !e.altKey) {
        e.preventDefault();
        setOpen((was) => !was);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [shortcut]);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger
        className={cn(
          "flex h-9 w-full items-center gap-2 rounded-md border border-slate-300 bg-white px-2.5 text-sm text-slate-600 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600",
          className,
        )}
      >
        <span aria-hidden>⌕</span>
        <span className="flex-1 text-left">Search</span>
        <kbd className="rounded border border-slate-300 px-1 font-sans text-[11px] text-slate-500">⌘K</kbd>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Dialog.Content
          aria-describedby={undefined}
          className="fixed top-[12vh] left-1/2 z-50 w-[min(40rem,calc(100vw-2rem))] -translate-x-1/2 overflow-hidden rounded-xl border border-slate-200 bg-white text-slate-900 shadow-2xl"
        >
          <Dialog.Title className="sr-only">Search customers and events</Dialog.Title>
          <SearchBox onDone={() => setOpen(false)} />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function SearchBox({ onDone }: { onDone: () => void }) {
  const router = useRouter();
  const [text, setText] = useState("");
  const [results, setResults] = useState<Results | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);

  useEffect(() => {
    const q = text.trim();
    if (!q) {
      setResults(null);
      setError(null);
      return;
    }
    const ticket = ++latest.current;
    const timer = setTimeout(async () => {
      setLoading(true);
      try {
        const res = await fetch(`/api/admin/search?q=${encodeURIComponent(q)}`);
        const body = (await res.json().catch(() => null)) as (Results & { error?: string }) | null;
        // A slower answer to an older query must not replace a newer one.
        if (ticket !== latest.current) return;
        if (!res.ok || !body) setError(body?.error ?? `Search failed (HTTP ${res.status}).`);
        else {
          setResults(body);
          setError(null);
        }
      } catch {
        if (ticket === latest.current) setError("Search could not reach the server.");
      } finally {
        if (ticket === latest.current) setLoading(false);
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const go = (href: string) => {
    onDone();
    router.push(href);
  };
  const none = results && results.customers.length === 0 && results.events.length === 0;
  return (
    // Filtering is the server's: cmdk's own fuzzy filter would hide an event found by its id.
    <Command shouldFilter={false} loop label="Search customers and events">
      <Command.Input
        value={text}
        onValueChange={setText}
        placeholder="Name, email, app user id, cus_…, evt_… or an event id"
        className="h-12 w-full border-b border-slate-200 bg-transparent px-4 text-base outline-none placeholder:text-slate-500"
      />
      <Command.List className="max-h-[min(60vh,26rem)] overflow-y-auto p-2">
        {loading && !results ? <Command.Loading>Searching…</Command.Loading> : null}
        {error ? (
          <p role="alert" className="px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        ) : null}
        {!text.trim() ? (
          <p className="px-3 py-2 text-sm text-slate-600">
            Find a customer by name, email, app user id or Stripe id, or an event by its id.
          </p>
        ) : null}
        {none && !error ? <p className="px-3 py-2 text-sm text-slate-600">Nothing found for “{results.q}”.</p> : null}
        {results?.customers.length ? (
          <Command.Group heading="Customers" className={groupClass}>
            {results.customers.map((c) => (
              <Command.Item key={c.href} value={c.href} onSelect={() => go(c.href)} className={itemClass}>
                <span className="min-w-0 flex-1">
                  <span className="block truncate font-medium">{c.name ?? c.email ?? c.appUserId}</span>
                  <span className="block truncate text-xs text-slate-600">
                    {[c.name ? c.email : null, c.provisional ? "payer not in the app yet" : c.appUserId, c.matchedId]
                      .filter(Boolean)
                      .join(" · ")}
                  </span>
                </span>
              </Command.Item>
            ))}
          </Command.Group>
        ) : null}
        {results?.events.length ? (
          <Command.Group heading="Events" className={groupClass}>
            {results.events.map((e) => (
              <Command.Item key={e.href} value={e.href} onSelect={() => go(e.href)} className={itemClass}>
                <span className="min-w-0 flex-1">
                  <span className="block truncate font-mono text-[13px]">{e.type}</span>
                  <span className="block truncate text-xs text-slate-600">
                    {e.status} · {e.externalId} · <Time date={e.receivedAt} />
                  </span>
                </span>
              </Command.Item>
            ))}
          </Command.Group>
        ) : null}
      </Command.List>
    </Command>
  );
}

const groupClass =
  "[&_[cmdk-group-heading]]:px-3 [&_[cmdk-group-heading]]:pt-2 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-medium [&_[cmdk-group-heading]]:text-slate-600";
const itemClass =
  "flex cursor-pointer items-center gap-3 rounded-md px-3 py-2 text-sm data-[selected=true]:bg-indigo-50 data-[selected=true]:text-indigo-950";
