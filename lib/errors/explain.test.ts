// The error shapes below are the ones the clients' classifiers record (lib/integrations/*/errors.ts) for the
// sandboxes' answers; an unknown error must answer null so the screen falls back to the raw line.
import { describe, expect, it } from "vitest";
import { explainError, serviceName, type ErrorFields } from "./explain";

const f = (over: Partial<ErrorFields>): ErrorFields => ({
  service: null,
  status: null,
  code: null,
  message: null,
  ...over,
});

describe("explainError", () => {
  it("reads HubSpot's invalid email inside a batch validation message (the demo's failure)", () => {
    const e = explainError(
      f({
        service: "hubspot",
        status: 400,
        code: "VALIDATION_ERROR",
        message:
          'Property values were not valid: [{"isValid":false,"message":"Email address margaret@example is invalid","error":"INVALID_EMAIL","name":"email"}]',
      }),
    );
    expect(e?.kind).toBe("invalid_email");
    expect(e?.sentence).toBe("HubSpot refused the email address margaret@example as invalid.");
    expect(e?.action).toMatch(/replay/);
  });

  it("names the missing HubSpot property", () => {
    const e = explainError(
      f({
        service: "hubspot",
        status: 400,
        code: "PROPERTY_DOESNT_EXIST",
        message: 'Property "app_plan" does not exist',
      }),
    );
    expect(e).toMatchObject({ kind: "missing_property" });
    expect(e?.sentence).toContain('"app_plan"');
  });

  it("tells a revoked token (401) from a missing scope (403) and a plain 403", () => {
    expect(
      explainError(
        f({
          service: "hubspot",
          status: 401,
          code: "INVALID_AUTHENTICATION",
          message: "Authentication credentials not found.",
        }),
      ),
    ).toMatchObject({ kind: "revoked_token" });
    expect(
      explainError(f({ service: "zendesk", status: 401, message: "Couldn't authenticate you" }))?.sentence,
    ).toContain("Zendesk API token");
    expect(
      explainError(
        f({
          service: "hubspot",
          status: 403,
          code: "MISSING_SCOPES",
          message: "This app hasn't been granted all required scopes",
        }),
      ),
    ).toMatchObject({ kind: "missing_scope" });
    expect(
      explainError(f({ service: "zendesk", status: 403, code: "Forbidden", message: "You do not have access" })),
    ).toMatchObject({
      kind: "forbidden",
    });
  });

  it("recognises rate limits, not found, conflicts, timeouts and 5xx", () => {
    expect(
      explainError(
        f({ service: "hubspot", status: 429, code: "RATE_LIMITS", message: "You have reached your secondly limit." }),
      )?.kind,
    ).toBe("rate_limited");
    expect(
      explainError(
        f({ service: "stripe", status: 404, code: "resource_missing", message: "No such customer: 'cus_1'" }),
      )?.kind,
    ).toBe("not_found");
    expect(
      explainError(f({ service: "zendesk", status: 404, code: "RecordNotFound", message: "Not found" }))?.kind,
    ).toBe("not_found");
    expect(
      explainError(
        f({ service: "hubspot", status: 409, code: "CONFLICT", message: "Contact already exists. Existing ID: 12" }),
      )?.kind,
    ).toBe("conflict");
    expect(explainError(f({ service: "intercom", message: "network: fetch failed" }))?.kind).toBe("timeout");
    expect(explainError(f({ service: "zendesk", status: 504, message: "Gateway timeout" }))?.kind).toBe("timeout");
    const down = explainError(f({ service: "stripe", status: 503, message: "Service unavailable" }));
    expect(down).toMatchObject({ kind: "server_error" });
    expect(down?.sentence).toContain("Stripe");
  });

  it("explains a declined card without asking the founder to fix anything", () => {
    const e = explainError(
      f({ service: "stripe", status: 402, code: "card_declined", message: "Your card was declined." }),
    );
    expect(e?.kind).toBe("card_declined");
    expect(e?.action).toMatch(/customer/);
  });

  it("falls back to rejected data for Zendesk RecordInvalid", () => {
    expect(
      explainError(f({ service: "zendesk", status: 422, code: "RecordInvalid", message: "Record validation errors" }))
        ?.kind,
    ).toBe("rejected_data");
  });

  it("answers null for an error it does not know, so the raw line is shown", () => {
    expect(explainError(f({ message: "Cannot read properties of undefined (reading 'id')" }))).toBeNull();
    expect(explainError(f({ service: "database", code: "23505x", message: "something odd" }))).toBeNull();
    expect(explainError(f({}))).toBeNull();
  });

  it("writes service names properly", () => {
    expect(serviceName("hubspot")).toBe("HubSpot");
    expect(serviceName("zendesk")).toBe("Zendesk");
    expect(serviceName("something")).toBe("something");
    expect(serviceName(null)).toBe("Our own code");
  });
});
