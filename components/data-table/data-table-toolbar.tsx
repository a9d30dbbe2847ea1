"use client";
// Filters above a table, each bound to one URL param: selects, a text search and date bounds; and, on
// the lists that have one, "Export CSV" of every row the filters select (not just this page).
import { useEffect, useId, useRef, useState } from "react";
import { usePathname } from "next/navigation";
import { Button } from "@/components/ui/button";
import { useHasRole } from "@/components/console/actor-role";
import { dayInZone, formatInZone, zoneDayBound } from "@/components/ui/time";
import { useDisplayTimeZone } from "@/components/ui/time-zone";
import type { TableUrl } from "./use-table-url";

export type DataTableFilterOption = { value: string; label: string };
export type DataTableFilter =
  | { kind: "select"; param: string; label: string; options: readonly DataTableFilterOption[]; allLabel?: string }
  | { kind: "search"; param: string; label: string; placeholder?: string }
  /**
   * A day in the display time zone, sent to the server as the UTC instant where it starts (`from`, and
   * any other param) or ends (`to`).
   */
  | { kind: "date"; param: string; label: string };

const controlClass =
  "h-9 rounded-md border border-slate-300 bg-white px-2.5 text-sm text-slate-900 shadow-xs focus-visible:border-indigo-500";

export function DataTableToolbar({
  filters,
  url,
  summary,
}: {
  filters: readonly DataTableFilter[];
  url: TableUrl;
  summary?: React.ReactNode;
}) {
  const active = filters.some((f) => url.params.has(f.param));
  const reset = () => url.update(Object.fromEntries(filters.map((f) => [f.param, null])));
  return (
    <div className="mb-4 flex flex-wrap items-end gap-3">
      {filters.map((filter) => (
        <FilterField key={filter.param} filter={filter} url={url} />
      ))}
      {active ? (
        <Button variant="ghost" onClick={reset}>
          Reset filters
        </Button>
      ) : null}
      <div className="ml-auto flex h-9 items-center gap-3 text-sm text-slate-600">
        <span role="status" aria-live="polite" className="text-indigo-700">
          {url.isPending ? "Loading…" : ""}
        </span>
        {summary}
        <ExportButton params={url.params} />
      </div>
    </div>
  );
}

/** The console lists with a CSV export (GET /api/admin/export/:list), by the page they live on. */
const EXPORTS: Record<string, string> = {
  "/customers": "customers",
  "/events": "events",
  "/alerts": "alerts",
  "/audit": "audit",
  "/deliveries": "deliveries",
};

/**
 * Downloads the CSV of the current filters and sort. Fetched rather than a plain link so that a refusal
 * (too many rows, the admin role needed) shows here in words instead of replacing the page with JSON.
 */
function ExportButton({ params }: { params: URLSearchParams }) {
  const list = EXPORTS[usePathname()];
  // Exports carry personal data out of the console: admins only (the route refuses viewers too).
  const canExport = useHasRole("admin");
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  if (!list || !canExport) return null;
  const run = async () => {
    setState({ busy: true, error: null });
    const query = new URLSearchParams(params);
    query.delete("page");
    query.delete("perPage");
    try {
      const res = await fetch(`/api/admin/export/${list}${query.size ? `?${query}` : ""}`);
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: string } | null;
        setState({ busy: false, error: body?.error ?? `The export failed (HTTP ${res.status}).` });
        return;
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? `${list}.csv`;
      const href = URL.createObjectURL(await res.blob());
      const a = Object.assign(document.createElement("a"), { href, download: name });
      a.click();
      // Revoked on the next tick: the click has handed the blob to the download by then.
      setTimeout(() => URL.revokeObjectURL(href), 0);
      setState({ busy: false, error: null });
    } catch {
      setState({ busy: false, error: "The export could not reach the server. Try again." });
    }
  };
  return (
    <span className="flex items-center gap-2">
      {state.error ? (
        <span role="alert" className="max-w-96 text-xs text-red-700">
          {state.error}
        </span>
      ) : null}
      <Button
        size="sm"
        onClick={run}
        disabled={state.busy}
        title="Download every row these filters select as CSV (not just this page)"
      >
        {state.busy ? "Exporting…" : "Export CSV"}
      </Button>
    </span>
  );
}

/** A visible label tied to its control by id (a wrapping label would add the select's text to its name). */
function FilterField({ filter, url }: { filter: DataTableFilter; url: TableUrl }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600">
        {filter.label}
      </label>
      <FilterControl id={id} filter={filter} url={url} />
    </div>
  );
}

function FilterControl({ id, filter, url }: { id: string; filter: DataTableFilter; url: TableUrl }) {
  const value = url.params.get(filter.param) ?? "";
  if (filter.kind === "search") return <SearchInput id={id} filter={filter} value={value} url={url} />;
  if (filter.kind === "date") return <DateInput id={id} param={filter.param} value={value} url={url} />;
  const known = filter.options.some((o) => o.value === value);
  return (
    <select
      id={id}
      className={`${controlClass} max-w-64 min-w-32`}
      value={value}
      onChange={(e) => url.update({ [filter.param]: e.target.value || null })}
    >
      <option value="">{filter.allLabel ?? "All"}</option>
      {filter.options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
      {value && !known ? <option value={value}>{value}</option> : null}
    </select>
  );
}

/** Typing updates the URL after a pause (replacing the history entry); Enter applies at once. */
type SearchProps = { id: string; filter: Extract<DataTableFilter, { kind: "search" }>; value: string; url: TableUrl };

function SearchInput({ id, filter, value, url }: SearchProps) {
  const [text, setText] = useState(value);
  const pushed = useRef(value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const update = useRef(url.update);
  useEffect(() => {
    update.current = url.update;
  });

  // Follow the URL when it changes from elsewhere (reset, back button), not from our own typing.
  useEffect(() => {
    if (value !== pushed.current) {
      clearTimeout(timer.current);
      pushed.current = value;
      setText(value);
    }
  }, [value]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const apply = (next: string) => {
    clearTimeout(timer.current);
    pushed.current = next.trim();
    update.current({ [filter.param]: next.trim() || null }, { replace: true });
  };
  return (
    <input
      id={id}
      type="search"
      className={`${controlClass} w-64`}
      value={text}
      placeholder={filter.placeholder}
      onChange={(e) => {
        const next = e.target.value;
        setText(next);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => apply(next), 350);
      }}
      onKeyDown={(e) => {
        if (e.key === "Enter") apply(text);
      }}
    />
  );
}

/** A day in the display time zone; the URL (and so the server and the export) gets the UTC instant. */
function DateInput({ id, param, value, url }: { id: string; param: string; value: string; url: TableUrl }) {
  const zone = useDisplayTimeZone();
  const edge = param === "to" ? "end" : "start";
  const zoneName = formatInZone(new Date(), "zzz", zone);
  return (
    <input
      id={id}
      type="date"
      className={controlClass}
      value={value ? dayInZone(value, zone) : ""}
      title={`A day in your time zone (${zoneName}); change it on the Account page`}
      onChange={(e) => url.update({ [param]: e.target.value ? zoneDayBound(e.target.value, edge, zone) : null })}
    />
  );
}
