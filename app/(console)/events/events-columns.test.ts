// The events list's last error in words: the step's label and the known error's sentence, raw otherwise.
import { describe, expect, it } from "vitest";
import { readableLastError } from "./events-columns";

describe("readableLastError", () => {
  it("names the step and says the known error in words", () => {
    const text = readableLastError("sync-crm: hubspot 400: Property values were not valid (injected by the test)");
    expect(text.startsWith("Upsert the HubSpot contact: ")).toBe(true);
    expect(text).not.toContain("sync-crm");
  });

  it("keeps an unknown error's text after the step label and service name", () => {
    expect(readableLastError("sync-crm: hubspot 418: teapot")).toMatch(/^Upsert the HubSpot contact: HubSpot/);
  });

  it("shows anything it cannot read as stored", () => {
    expect(readableLastError("boom")).toBe("boom");
    expect(readableLastError("not-a-step: something")).toBe("not-a-step: something");
  });
});
