"use client";
// Reads and writes the table's URL search params. Each change is a client navigation inside a
// transition: the server page re-renders with the new params while the controls show the new
// values at once (optimistic query) and the table shows it is pending.
import { useCallback, useMemo, useOptimistic, useTransition } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { PAGE_PARAM } from "@/lib/schemas/table-params";

export type TableUrlChanges = Record<string, string | null | undefined>;
export type TableUrlOptions = {
  /** Go back to page 1 (every filter or sort change does). Default true. */
  resetPage?: boolean;
  /** Replace the history entry instead of adding one (typing in a search box). */
  replace?: boolean;
};

export type TableUrl = {
  /** The search params as they will be once pending navigation completes. */
  params: URLSearchParams;
  isPending: boolean;
  update: (changes: TableUrlChanges, options?: TableUrlOptions) => void;
};

export function useTableUrl(): TableUrl {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [isPending, startTransition] = useTransition();
  const [query, setOptimisticQuery] = useOptimistic(searchParams.toString());
  const params = useMemo(() => new URLSearchParams(query), [query]);

  const update = useCallback(
    (changes: TableUrlChanges, { resetPage = true, replace = false }: TableUrlOptions = {}) => {
      const next = new URLSearchParams(query);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === undefined || value === "") next.delete(key);
        else next.set(key, value);
      }
      if (resetPage && !(PAGE_PARAM in changes)) next.delete(PAGE_PARAM);
      const nextQuery = next.toString();
      if (nextQuery === query) return;
      const href = nextQuery ? `${pathname}?${nextQuery}` : pathname;
      startTransition(() => {
        setOptimisticQuery(nextQuery);
        if (replace) router.replace(href, { scroll: false });
        else router.push(href, { scroll: false });
      });
    },
    [query, pathname, router, setOptimisticQuery],
  );

  return { params, isPending, update };
}
