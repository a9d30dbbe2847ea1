// The one zod-issue formatter and the shared events filter: the texts the 400 answers and forms show.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { eventFilterBody } from "./event-filter";
import { fieldErrorsOf, firstIssueMessage, formatIssues } from "./issues";

const shape = z.object({ id: z.string().min(1, "too short"), data: z.object({ email: z.email("bad email") }) });

describe("formatIssues", () => {
  it("names every bad field by its path, joined with '; '", () => {
    const error = shape.safeParse({ id: "", data: { email: "x" } }).error!;
    expect(formatIssues(error)).toBe("id: too short; data.email: bad email");
  });
  it("names the whole value by its root, and prefixes a nested value's paths", () => {
    expect(formatIssues(shape.safeParse(null).error!, { root: "body" })).toMatch(/^body: /);
    expect(formatIssues(shape.safeParse(null).error!)).toMatch(/^input: /);
    expect(
      formatIssues(z.object({ email: z.email("bad email") }).safeParse({ email: "x" }).error!, { at: ["data"] }),
    ).toBe("data.email: bad email");
  });
  it("gives one message per listed field, and the first message alone", () => {
    const error = shape.extend({ role: z.enum(["a", "b"], "pick one") }).safeParse({ id: "", data: {}, role: "c" })
      .error!;
    expect(fieldErrorsOf(error, ["id", "role"])).toEqual({ id: "too short", role: "pick one" });
    expect(firstIssueMessage(error, "fallback")).toBe("too short");
  });
});

describe("eventFilterBody", () => {
  it("parses the list's filters from JSON, times to Dates", () => {
    const parsed = eventFilterBody.parse({ source: "stripe", type: " invoice.paid ", from: "2025-01-31T09:30:00Z" });
    expect(parsed).toEqual({ source: "stripe", type: "invoice.paid", from: new Date("2025-01-31T09:30:00Z") });
  });
  it("refuses unknown keys, sources and times without a zone", () => {
    expect(eventFilterBody.safeParse({ status: "failed" }).success).toBe(false);
    expect(eventFilterBody.safeParse({ source: "paypal" }).success).toBe(false);
    expect(eventFilterBody.safeParse({ to: "2025-01-31T09:30:00" }).success).toBe(false);
  });
});
