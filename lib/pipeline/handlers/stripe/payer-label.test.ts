import { describe, expect, it } from "vitest";
import { payerLabel } from "./invoice-payment-failed";

describe("payerLabel (who a billing alert title names)", () => {
  it("names the person first, the app user id second", () => {
    expect(payerLabel({ appUserId: "usr_katherine", name: "Katherine Lee", email: "k@example.com" })).toBe(
      "Katherine Lee (usr_katherine)",
    );
  });
  it("falls back to the email, then to the app user id alone", () => {
    expect(payerLabel({ appUserId: "usr_k", name: "  ", email: "k@example.com" })).toBe("k@example.com (usr_k)");
    expect(payerLabel({ appUserId: "usr_k", name: null, email: null })).toBe("usr_k");
  });
});
