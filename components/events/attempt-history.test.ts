// Who replayed an attempt, and an attempt's one-line error read back into the fields explainError takes.
import { describe, expect, it } from "vitest";
import type { StepAttempt } from "@/db/schema";
import { errorFieldsOf, replayerOf } from "./attempt-history";

const attempt = (startedAt: string, over: Partial<StepAttempt> = {}): StepAttempt => ({
  attempt: 1,
  startedAt,
  finishedAt: startedAt,
  durationMs: 10,
  status: "failed",
  ...over,
});
const replays = [
  { at: new Date("2026-01-01T10:00:00Z"), by: "ann@example.com", action: "event.replay_failed" },
  { at: new Date("2026-01-01T12:00:00Z"), by: "bob@example.com", action: "event.bulk_replay" },
];

describe("replayerOf", () => {
  it("is null before any replay (the event's first run)", () => {
    expect(replayerOf(attempt("2026-01-01T09:00:00Z"), replays)).toBeNull();
  });
  it("names the last replay before the attempt started, including its retries", () => {
    expect(replayerOf(attempt("2026-01-01T10:00:01Z"), replays)).toBe("ann@example.com");
    expect(replayerOf(attempt("2026-01-01T11:59:00Z"), replays)).toBe("ann@example.com");
    expect(replayerOf(attempt("2026-01-01T12:00:00Z"), replays)).toBe("bob@example.com");
  });
  it("prefers the engine's own note", () => {
    expect(replayerOf(attempt("2026-01-01T09:00:00Z", { replayedBy: "eve@example.com" }), replays)).toBe(
      "eve@example.com",
    );
  });
});

describe("errorFieldsOf", () => {
  it("reads the service and status from the one-line error", () => {
    expect(errorFieldsOf("hubspot 400: Property values were not valid")).toEqual({
      service: "hubspot",
      status: 400,
      code: null,
      message: "Property values were not valid",
    });
    expect(errorFieldsOf("zendesk: socket hang up")).toMatchObject({ service: "zendesk", status: null });
    expect(errorFieldsOf("Something odd")).toEqual({
      service: null,
      status: null,
      code: null,
      message: "Something odd",
    });
  });
  it("uses the step's exact columns (with the code) when the line is its latest error", () => {
    const step = {
      lastError: "hubspot 400: nope",
      errorService: "hubspot",
      errorStatus: 400,
      errorCode: "PROPERTY_DOESNT_EXIST",
      errorMessage: "nope",
    };
    expect(errorFieldsOf("hubspot 400: nope", step)).toMatchObject({ code: "PROPERTY_DOESNT_EXIST", message: "nope" });
  });
});
