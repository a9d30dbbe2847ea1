"use client";
// The display time zone: the browser's own by default, or one chosen on the Account page and kept in
// localStorage ("display-time-zone"). Every tab follows a change (the storage event). The server has no
// idea of it, so its snapshot is null and the first render shows UTC until the browser takes over.
import { useSyncExternalStore } from "react";

export const TIME_ZONE_KEY = "display-time-zone";
const CHANGE = "display-time-zone-change";

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** A zone Intl knows, so a stale or hand-edited value cannot break every date on the page. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone chosen on the Account page, or null when following the browser. */
export function chosenTimeZone(): string | null {
  try {
    const v = window.localStorage.getItem(TIME_ZONE_KEY);
    return v && isTimeZone(v) ? v : null;
  } catch {
    return null;
  }
}

/** null goes back to the browser's zone. */
export function setChosenTimeZone(zone: string | null) {
  if (zone === null) window.localStorage.removeItem(TIME_ZONE_KEY);
  else if (isTimeZone(zone)) window.localStorage.setItem(TIME_ZONE_KEY, zone);
  else throw new Error(`Unknown time zone: ${zone}`);
  window.dispatchEvent(new Event(CHANGE));
}

function subscribe(listener: () => void) {
  window.addEventListener("storage", listener);
  window.addEventListener(CHANGE, listener);
  return () => {
    window.removeEventListener("storage", listener);
    window.removeEventListener(CHANGE, listener);
  };
}

/** The zone to show times in; null on the server and while hydrating. */
export function useDisplayTimeZone(): string | null {
  return useSyncExternalStore(
    subscribe,
    () => chosenTimeZone() ?? browserTimeZone(),
    () => null,
  );
}
