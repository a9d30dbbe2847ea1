// IntercomService.deleteContact and exportContact against the Intercom sandbox, through intercom-client.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { IntegrationError } from "@/lib/integrations/errors";
import * as control from "@/sandbox/client";
import { type Sandbox, startSandbox } from "@/sandbox/index";
import { IntercomService } from "./client";

const TOKEN = "ic-erasure-token";
let sandbox: Sandbox;
const service = () => new IntercomService({ token: TOKEN, baseUrl: sandbox.intercom.url, timeoutMs: 2_000 });

beforeAll(async () => {
  sandbox = await startSandbox({ intercomToken: TOKEN });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

async function person(intercom: IntercomService, appUserId: string, conversations: number) {
  const { id } = await intercom.ensureContact({ appUserId, email: `${appUserId}@example.com`, name: "Ada" });
  for (let i = 0; i < conversations; i++)
    await intercom.createConversation({ contactId: id, body: `Help, SUP-${appUserId}-${i}`, reference: `SUP-${i}` });
  return id;
}

describe("IntercomService erasure", () => {
  it("exports the contact with each conversation and its parts; an unknown contact is null", async () => {
    const intercom = service();
    const id = await person(intercom, "u_ada", 2);
    await person(intercom, "u_bob", 1);
    const exported = await intercom.exportContact(id);
    expect(exported?.contact).toMatchObject({ id, external_id: "u_ada", email: "u_ada@example.com" });
    expect(exported?.conversations).toHaveLength(2);
    const bodies = exported?.conversations.map((c) => (c as { source: { body: string } }).source.body).sort();
    expect(bodies).toEqual([expect.stringContaining("SUP-u_ada-0"), expect.stringContaining("SUP-u_ada-1")]);
    expect(exported?.conversations[0]).toHaveProperty("conversation_parts");
    expect(await intercom.exportContact("nobody")).toBeNull();
  });

  it("deletes the contact; a second delete answers deleted: false", async () => {
    const intercom = service();
    const id = await person(intercom, "u_ada", 1);
    expect(await intercom.deleteContact(id)).toEqual({ deleted: true });
    expect(sandbox.intercom.service.contacts.has(id)).toBe(false);
    expect(await intercom.getContact(id)).toBeUndefined();
    expect(await intercom.deleteContact(id)).toEqual({ deleted: false });
  });

  it("a 429, 500 or 403 on the delete surfaces as intercom errors and deletes nothing", async () => {
    const intercom = service();
    const id = await person(intercom, "u_ada", 0);
    const path = `/contacts/${id}`;
    await control.fault(sandbox.intercom, [
      { method: "DELETE", path, status: 429, retryAfter: 2 },
      { method: "DELETE", path, status: 500 },
      { method: "DELETE", path, status: 403 },
    ]);
    const limited = await intercom.deleteContact(id).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(IntegrationError);
    expect(limited).toMatchObject({ service: "intercom", status: 429, transient: true, retryAfterMs: 2_000 });
    await expect(intercom.deleteContact(id)).rejects.toMatchObject({ status: 500, transient: true });
    await expect(intercom.deleteContact(id)).rejects.toMatchObject({ status: 403, transient: false });
    expect(sandbox.intercom.service.contacts.has(id)).toBe(true);
  });
});
