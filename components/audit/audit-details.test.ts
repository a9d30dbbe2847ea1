// The audit log's Details in words, on the details the writers store (lib/commands, lib/auth, app/api).
import { describe, expect, it } from "vitest";
import { auditDetailParts, auditDetailsText } from "./audit-details";

describe("auditDetailsText", () => {
  it("a sign-in: address and the session, shortened (the full id in the part's title)", () => {
    const session = "1f2e3d4c-0000-4000-8000-000000000001";
    expect(auditDetailsText("auth.sign_in", { address: "203.0.113.7", session })).toBe(
      `Address 203.0.113.7 · Session ${session}`,
    );
    expect(auditDetailParts("auth.sign_in", { session })[0]).toMatchObject({ value: "1f2e3d4c…", title: session });
  });

  it("a refused sign-in says it was rate limited; a role change reads from → to", () => {
    expect(auditDetailsText("auth.sign_in_failed", { email: "x@y.test", address: "::1", limited: true })).toBe(
      "Email x@y.test · Address ::1 · Rate limited: too many failed attempts",
    );
    expect(auditDetailsText("auth.sign_in_failed", { email: "x@y.test", address: "::1", limited: false })).toBe(
      "Email x@y.test · Address ::1",
    );
    expect(auditDetailsText("user.role_change", { email: "a@b.test", from: "admin", to: "viewer" })).toBe(
      "Email a@b.test · Role admin → viewer",
    );
  });

  it("an access refusal names the request, the role needed and the role held", () => {
    expect(
      auditDetailsText("access.refused", {
        kind: "api",
        method: "POST",
        path: "/api/admin/events/replay",
        required: "admin",
        role: "viewer",
      }),
    ).toBe("Request POST /api/admin/events/replay · Needs admin · Has viewer");
    expect(
      auditDetailsText("access.refused", {
        kind: "action",
        action: "replayEvent",
        path: "/events/1",
        required: "admin",
        role: "viewer",
      }),
    ).toBe("Action replayEvent on /events/1 · Needs admin · Has viewer");
  });

  it("links the event an erasure started, and says the Stripe setting", () => {
    const parts = auditDetailParts("customer.erasure_requested", { eventId: "evt-1", stripeCancel: "period_end" });
    expect(parts[0]).toMatchObject({ label: "Event", href: "/events/evt-1" });
    expect(auditDetailsText("customer.erasure_requested", { eventId: "evt-1", stripeCancel: "period_end" })).toBe(
      "Event evt-1 · Stripe subscription canceled at the end of the period",
    );
  });

  it("identities, claims, replays, drift and exports in words", () => {
    expect(
      auditDetailsText("identity.link_manual", {
        system: "hubspot",
        externalId: "901",
        replaced: { externalId: "900", matchedBy: "email", verified: false },
      }),
    ).toBe("System HubSpot · Id 901 · Replaced 900 (matched by email)");
    expect(
      auditDetailsText("identity.unlink", {
        system: "stripe",
        externalId: "cus_1",
        matchedBy: "email",
        verified: false,
      }),
    ).toBe("System Stripe · Id cus_1 · Matched by email · Not verified");
    expect(
      auditDetailsText("customer.claim_confirmed", { payer: "stripe:cus_9", moved: ["stripe"], dropped: [] }),
    ).toBe("Payer stripe:cus_9 · Moved Stripe");
    expect(auditDetailsText("event.replay_failed", { type: "invoice.paid", previousStatus: "failed" })).toBe(
      "Event type invoice.paid · Was failed",
    );
    expect(
      auditDetailsText("event.bulk_replay", { count: 3, filter: { status: ["failed"], type: "invoice.paid" } }),
    ).toBe("Filter status failed, type invoice.paid · Events 3");
    expect(
      auditDetailsText("drift.check", {
        checked: 4,
        opened: 1,
        resolved: 0,
        failures: [{ system: "hubspot", customers: 4, error: "401" }],
      }),
    ).toBe("Checked 4 · New differences 1 · Resolved 0 · Could not read HubSpot: 401");
    expect(auditDetailsText("customer.resync_crm", { outcome: "failed", status: 429, error: "rate limited" })).toBe(
      "Outcome failed · HTTP status 429 · Error rate limited",
    );
    expect(
      auditDetailsText("customer.data_exported", { systems: { hubspot: "included", stripe: "not_linked" }, events: 2 }),
    ).toBe("Systems HubSpot included, Stripe not linked · Events 2");
    expect(auditDetailsText("stripe.backfill", { since: null, refused: 401, error: "bad key" })).toBe(
      "Since where the last run stopped · Refused HTTP 401 · Error bad key",
    );
  });

  it("keys it does not know stay visible as key: value; nothing stored reads as nothing", () => {
    expect(auditDetailsText("new.action", { reason: "manual", extra: { a: 1 } })).toBe(
      'reason: manual · extra: {"a":1}',
    );
    expect(auditDetailParts("auth.sign_out", null)).toEqual([]);
    expect(auditDetailsText("x.y", "just text")).toBe("just text");
  });
});
