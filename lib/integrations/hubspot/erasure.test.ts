// HubspotService.gdprDeleteContact and exportContact against the HubSpot sandbox, through the real SDK.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { IntegrationError } from "@/lib/integrations/errors";
import * as control from "@/sandbox/client";
import { type Sandbox, startSandbox } from "@/sandbox/index";
import { HubspotService } from "./client";

const TOKEN = "pat-erasure-suite";
let sandbox: Sandbox;
const service = () =>
  new HubspotService({ accessToken: TOKEN, baseUrl: sandbox.hubspot.url, timeoutMs: 2_000, batch: { lingerMs: 0 } });

beforeAll(async () => {
  sandbox = await startSandbox({ hubspotToken: TOKEN });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

async function signup(hubspot: HubspotService, appUserId: string, email: string) {
  return hubspot.upsertContact({ appUserId, email, properties: { firstname: "Ada", app_plan: "pro" } });
}

describe("HubspotService erasure", () => {
  it("exports the contact with our properties and the person's own, then purges it; a second purge is a no-op", async () => {
    const hubspot = service();
    const id = await signup(hubspot, "u_1", "ada@example.com");
    const exported = await hubspot.exportContact(id);
    expect(exported).toMatchObject({
      id,
      properties: { email: "ada@example.com", firstname: "Ada", app_user_id: "u_1", app_plan: "pro" },
    });
    expect(exported?.properties).toHaveProperty("createdate", expect.any(String));

    expect(await hubspot.gdprDeleteContact(id)).toEqual({ deleted: true });
    expect(await hubspot.exportContact(id)).toBeNull();
    expect(await hubspot.gdprDeleteContact(id)).toEqual({ deleted: false });
    const purges = await control.requests(sandbox.hubspot, { path: "/crm/v3/objects/contacts/gdpr-delete" });
    expect(purges.map((r) => [r.body, r.status])).toEqual([
      [{ objectId: id }, 204],
      [{ objectId: id }, 404],
    ]);
  });

  it("a later signup with the same email makes a new contact, none of the old properties", async () => {
    const hubspot = service();
    const id = await signup(hubspot, "u_1", "ada@example.com");
    await hubspot.gdprDeleteContact(id);
    const again = await hubspot.upsertContact({ appUserId: "u_9", email: "ada@example.com", properties: {} });
    expect(again).not.toBe(id);
    expect((await hubspot.exportContact(again))?.properties).toMatchObject({ firstname: null, app_plan: null });
  });

  it("a 429 on the purge is a transient hubspot error with the wait; a 403 is permanent; the contact stays", async () => {
    const hubspot = service();
    const id = await signup(hubspot, "u_1", "ada@example.com");
    await control.fault(sandbox.hubspot, [
      { method: "POST", path: "/crm/v3/objects/contacts/gdpr-delete", status: 429 },
      { method: "POST", path: "/crm/v3/objects/contacts/gdpr-delete", status: 403 },
    ]);
    const limited = await hubspot.gdprDeleteContact(id).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(IntegrationError);
    expect(limited).toMatchObject({ service: "hubspot", status: 429, transient: true, retryAfterMs: 10_000 });
    const refused = await hubspot.gdprDeleteContact(id).catch((e: unknown) => e);
    expect(refused).toMatchObject({ service: "hubspot", status: 403, transient: false, code: "MISSING_SCOPES" });
    expect(await hubspot.exportContact(id)).not.toBeNull();
    // The fault used up, the retry purges.
    expect(await hubspot.gdprDeleteContact(id)).toEqual({ deleted: true });
  });

  it("a 500 on the export is transient, not mistaken for a missing contact", async () => {
    const hubspot = service();
    const id = await signup(hubspot, "u_1", "ada@example.com");
    await control.fault(sandbox.hubspot, { method: "GET", path: `/crm/v3/objects/contacts/${id}`, status: 500 });
    await expect(hubspot.exportContact(id)).rejects.toMatchObject({ service: "hubspot", status: 500, transient: true });
  });
});
