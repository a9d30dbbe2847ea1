"use client";
// Renders its children only while a media query matches, so a component that must exist once (the ⌘K
// search listens on the whole window) can sit in the sidebar on a desktop and in the top bar on a phone.
import { useSyncExternalStore } from "react";

export function MediaMount({ query, children }: { query: string; children: React.ReactNode }) {
  const matches = useSyncExternalStore(
    (listener) => {
      const list = window.matchMedia(query);
      list.addEventListener("change", listener);
      return () => list.removeEventListener("change", listener);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
  return matches ? children : null;
}

/** Tailwind's `md` breakpoint (48rem), as the layout uses it. */
export const DESKTOP = "(min-width: 48rem)";
export const PHONE = "(max-width: 47.99rem)";
