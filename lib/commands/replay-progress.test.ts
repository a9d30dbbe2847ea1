// Bulk replay progress: how the database's counts fold into "x of N done, y failed, z pending".
import { describe, expect, it } from "vitest";
import { progressOf } from "./replay-progress";

describe("progressOf", () => {
  it("counts succeeded, failed again, still pending and vanished events", () => {
    expect(progressOf(5, { present: 4, succeeded: 1, failed: 1, failedIds: ["f"] })).toEqual({
      total: 5,
      done: 3,
      succeeded: 1,
      failed: 1,
      pending: 2,
      missing: 1,
      failedIds: ["f"],
    });
  });

  it("answers zeros for nothing queued", () => {
    expect(progressOf(0, { present: 0, succeeded: 0, failed: 0, failedIds: [] })).toMatchObject({
      total: 0,
      done: 0,
      pending: 0,
    });
  });
});
