// The display time zone: formatting in a chosen zone, the zone check that guards localStorage, and cn().
import { describe, expect, it } from "vitest";
import { formatInZone, DATE_TIME } from "./time";
import { isTimeZone } from "./time-zone";
import { cn } from "@/lib/utils";

const instant = new Date("2026-11-28T01:30:00Z");

describe("formatInZone", () => {
  it("shows the same instant in the chosen zone, not the server's", () => {
    expect(formatInZone(instant, DATE_TIME, "Asia/Tokyo")).toBe("28 Nov 2026, 10:30");
    expect(formatInZone(instant, DATE_TIME, "America/New_York")).toBe("27 Nov 2026, 20:30");
    expect(formatInZone(instant, "zzz", "Asia/Tokyo")).toBe("GMT+9");
  });

  it("falls back to UTC while the zone is not known (server render, hydration)", () => {
    expect(formatInZone(instant, DATE_TIME, null)).toBe("28 Nov 2026, 01:30");
  });
});

describe("isTimeZone", () => {
  it("accepts IANA zones and refuses anything else", () => {
    expect(isTimeZone("Europe/Paris")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});

describe("cn", () => {
  it("lets a later Tailwind class replace an earlier one of the same kind", () => {
    expect(cn("px-3 py-2 bg-white", false && "hidden", "px-2")).toBe("py-2 bg-white px-2");
    expect(cn("text-slate-600", undefined, ["text-red-700"])).toBe("text-red-700");
  });
});
