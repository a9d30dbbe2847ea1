// The receipt built from an erasure's lines and steps: a done system shows its line, one not done yet what it
// will do (or its error), and the plain text for the person names no one.
import { describe, expect, it } from "vitest";
import { buildReceipt, receiptText } from "./receipt";

const erasure = {
  id: "0f4b3c2a-0000-4000-8000-000000000001",
  requestedAt: new Date("2026-11-28T10:00:00Z"),
  requestedBy: "founder@example.com",
  reason: "Asked by email",
  completedAt: null,
  stripeCancel: "now",
  eventId: "0f4b3c2a-0000-4000-8000-000000000002",
};
const step = (
  name: string,
  status: "pending" | "running" | "succeeded" | "failed",
  lastError: string | null = null,
) => ({
  step: name,
  status,
  lastError,
  finishedAt: status === "succeeded" ? new Date("2026-11-28T10:00:05Z") : null,
});

describe("buildReceipt", () => {
  it("shows done systems from their lines and the rest from their steps, the failed one with its error", () => {
    const r = buildReceipt({
      erasure,
      status: "failed",
      steps: [
        step("erase-crm", "succeeded"),
        step("erase-support", "failed", "zendesk 403: Forbidden"),
        step("erase-billing", "pending"),
        step("erase-records", "pending"),
      ],
      receipt: [
        {
          system: "hubspot",
          action: "Contact permanently deleted (GDPR delete)",
          at: "2026-11-28T10:00:01.000Z",
          confirmationId: "1001",
          held: true,
        },
      ],
    });
    expect(r.systems.map((s) => [s.label, s.status])).toEqual([
      ["HubSpot", "done"],
      ["Zendesk / Intercom", "failed"],
      ["Stripe", "pending"],
      ["Our records", "pending"],
    ]);
    expect(r.systems[0]).toMatchObject({ confirmationId: "1001", held: true, at: "2026-11-28T10:00:01.000Z" });
    expect(r.systems[1]).toMatchObject({ error: "zendesk 403: Forbidden", confirmationId: null, held: null });
    expect(r).toMatchObject({ erasureId: erasure.id, status: "failed", requestedAt: "2026-11-28T10:00:00.000Z" });
  });

  it("keeps a line written before its step's replay as not done until the step succeeds again", () => {
    const line = { system: "zendesk", action: "User deleted", at: "2026-11-28T10:00:02.000Z", held: true };
    const running = buildReceipt({
      erasure,
      status: "running",
      steps: [step("erase-support", "running")],
      receipt: [line],
    });
    expect(running.systems.find((s) => s.system === "zendesk")?.status).toBe("running");
    const done = buildReceipt({
      erasure,
      status: "running",
      steps: [step("erase-support", "succeeded")],
      receipt: [line],
    });
    expect(done.systems.find((s) => s.system === "zendesk")).toMatchObject({ status: "done", action: "User deleted" });
  });

  it("says nothing was held, and writes the text in UTC with each confirmation", () => {
    const r = buildReceipt({
      erasure: { ...erasure, completedAt: new Date("2026-11-28T10:00:09Z") },
      status: "completed",
      steps: ["erase-crm", "erase-support", "erase-billing", "erase-records"].map((n) => step(n, "succeeded")),
      receipt: [
        { system: "hubspot", action: "Nothing held", at: "2026-11-28T10:00:01.000Z", held: false },
        {
          system: "intercom",
          action: "Contact deleted",
          at: "2026-11-28T10:00:02.000Z",
          confirmationId: "c_1",
          held: true,
        },
        {
          system: "stripe",
          action: "Customer deleted",
          at: "2026-11-28T10:00:03.000Z",
          confirmationId: "cus_1",
          held: true,
        },
        { system: "console", action: "Customer reduced to a tombstone", at: "2026-11-28T10:00:09.000Z", held: true },
      ],
    });
    expect(r.systems.map((s) => s.label)).toEqual(["HubSpot", "Intercom", "Stripe", "Our records"]);
    const text = receiptText(r);
    expect(text).toContain("Status: completed 2026-11-28 10:00 UTC");
    expect(text).toContain("- Intercom: Contact deleted (confirmation c_1) — 2026-11-28 10:00 UTC");
    expect(text).toContain("- HubSpot: Nothing held — 2026-11-28 10:00 UTC");
    expect(text).not.toContain("founder@example.com");
  });
});
