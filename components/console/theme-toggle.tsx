"use client";
// Light, dark or the system's setting, in the navigation. Until hydration the choice is unknown on the
// server (it lives in localStorage), so no button claims to be pressed before the client has read it.
import { useSyncExternalStore } from "react";
import { useTheme } from "next-themes";
import { cn } from "@/lib/utils";

const OPTIONS = [
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
  { value: "system", label: "System" },
] as const;

const noop = () => () => {};

export function ThemeToggle({ className }: { className?: string }) {
  const { theme, setTheme } = useTheme();
  const mounted = useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
  return (
    <fieldset className={cn("flex min-w-0 rounded-md border border-slate-300 p-0.5", className)}>
      <legend className="sr-only">Theme</legend>
      {OPTIONS.map((o) => {
        const pressed = mounted && (theme ?? "system") === o.value;
        return (
          <button
            key={o.value}
            type="button"
            aria-pressed={pressed}
            onClick={() => setTheme(o.value)}
            className={cn(
              "flex-1 rounded px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100",
              pressed && "bg-slate-900 text-white hover:bg-slate-900",
            )}
          >
            {o.label}
          </button>
        );
      })}
    </fieldset>
  );
}
