"use client";
// Display settings kept in this browser: the time zone every date of the console is shown in (the
// browser's own unless one is chosen) and the theme. Nothing is sent to the server.
import { useSyncExternalStore } from "react";
import { toast } from "sonner";
import { Card, CardTitle } from "@/components/ui/card";
import { Select } from "@/components/ui/input";
import { Time } from "@/components/ui/time";
import { browserTimeZone, chosenTimeZone, setChosenTimeZone, useDisplayTimeZone } from "@/components/ui/time-zone";
import { ThemeToggle } from "@/components/console/theme-toggle";

const BROWSER = "";
const noop = () => () => {};

function allZones(): string[] {
  // supportedValuesOf lists canonical IANA zones; a browser without it still offers its own and UTC.
  const list = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set(["UTC", ...list])];
}

export function DisplaySettings() {
  const zone = useDisplayTimeZone();
  const mounted = useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
  const chosen = mounted ? chosenTimeZone() : null;
  const zones = mounted ? allZones() : [];
  return (
    <Card as="section" aria-labelledby="display-title">
      <CardTitle id="display-title">Display</CardTitle>
      <p className="mt-0.5 text-sm text-slate-600">Kept in this browser only.</p>
      <div className="mt-4 grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-1.5">
          <label htmlFor="time-zone" className="text-sm font-medium">
            Time zone
          </label>
          <Select
            id="time-zone"
            value={chosen ?? BROWSER}
            disabled={!mounted}
            onChange={(e) => {
              const next = e.target.value === BROWSER ? null : e.target.value;
              setChosenTimeZone(next);
              toast.success(`Times now shown in ${next ?? `your browser's time zone (${browserTimeZone()})`}.`);
            }}
          >
            <option value={BROWSER}>Browser's time zone{mounted ? ` (${browserTimeZone()})` : ""}</option>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z.replaceAll("_", " ")}
              </option>
            ))}
          </Select>
          <p className="text-xs text-slate-600" data-testid="time-zone-preview">
            Now: {zone ? <Time date={new Date()} pattern="d MMM yyyy, HH:mm" showZone /> : "…"}
          </p>
        </div>
        <div className="flex flex-col gap-1.5">
          <span className="text-sm font-medium">Theme</span>
          <ThemeToggle className="max-w-64" />
        </div>
      </div>
    </Card>
  );
}
