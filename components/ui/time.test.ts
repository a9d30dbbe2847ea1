// The display time zone: formatting in a chosen zone, the zone check that guards localStorage, and cn().
import { describe, expect, it } from "vitest";
import { dayInZone, formatInZone, DATE_TIME, zoneDayBound } from "./time";
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

describe("date filters in the display time zone", () => {
  it("sends the UTC instant where the picked day starts or ends in the zone", () => {
    expect(zoneDayBound("2026-11-28", "start", "Europe/Paris")).toBe("2026-11-27T23:00:00.000Z");
    expect(zoneDayBound("2026-11-28", "end", "Europe/Paris")).toBe("2026-11-28T22:59:59.999Z");
    expect(zoneDayBound("2026-11-28", "start", "America/New_York")).toBe("2026-11-28T05:00:00.000Z");
    expect(zoneDayBound("2026-11-28", "end", null)).toBe("2026-11-28T23:59:59.999Z");
  });

  it("refuses what is not a day", () => {
    expect(zoneDayBound("", "start", "Europe/Paris")).toBeNull();
    expect(zoneDayBound("28/11/2026", "start", "Europe/Paris")).toBeNull();
  });

  it("shows the instant in the URL as the zone's day, and an older bare date as that UTC day's start", () => {
    expect(dayInZone("2026-11-27T23:00:00.000Z", "Europe/Paris")).toBe("2026-11-28");
    expect(dayInZone("2026-11-28T22:59:59.999Z", "Europe/Paris")).toBe("2026-11-28");
    expect(dayInZone("2026-11-28", "Asia/Tokyo")).toBe("2026-11-28");
    expect(dayInZone("2026-11-28", null)).toBe("2026-11-28");
    expect(dayInZone("not a date", "Europe/Paris")).toBe("");
  });

  it("round-trips a day picked in a zone across a daylight-saving change", () => {
    const start = zoneDayBound("2026-03-29", "start", "Europe/Paris");
    const end = zoneDayBound("2026-03-29", "end", "Europe/Paris");
    expect(start).toBe("2026-03-28T23:00:00.000Z");
    expect(end).toBe("2026-03-29T21:59:59.999Z");
    expect(dayInZone(start as string, "Europe/Paris")).toBe("2026-03-29");
    expect(dayInZone(end as string, "Europe/Paris")).toBe("2026-03-29");
  });
});
