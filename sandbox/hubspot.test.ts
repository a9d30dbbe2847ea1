// The HubSpot look-alike driven by the real @hubspot/api-client.
import { Client } from "@hubspot/api-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as control from "./client";
import type { HubspotState } from "./client";
import { startSandbox } from "./index";
import type { Sandbox } from "./index";

const TOKEN = "pat-sandbox-suite";
let sandbox: Sandbox;
let hubspot: Client;

type ApiError = {
  code: number;
  body: { message: string; category: string; errors?: { code: string }[] };
  headers: Record<string, string>;
};
const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e as ApiError,
  );

async function ensureAppProperties(client: Client) {
  await client.crm.properties.groupsApi.create("contacts", { name: "founder_ops", label: "Founder ops" });
  await client.crm.properties.coreApi.create("contacts", {
    name: "app_user_id",
    label: "App user id",
    type: "string" as never,
    fieldType: "text" as never,
    groupName: "founder_ops",
    hasUniqueValue: true,
  });
  await client.crm.properties.coreApi.create("contacts", {
    name: "plan",
    label: "Plan",
    type: "enumeration" as never,
    fieldType: "select" as never,
    groupName: "founder_ops",
    options: [
      { label: "Free", value: "free", hidden: false },
      { label: "Pro", value: "pro", hidden: false },
    ],
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ hubspotToken: TOKEN });
  hubspot = new Client({ accessToken: TOKEN, basePath: sandbox.hubspot.url, numberOfApiCallRetries: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

describe("hubspot sandbox", () => {
  it("creates a contact, then answers 409 CONFLICT with the existing id for the same email", async () => {
    const created = await hubspot.crm.contacts.basicApi.create({
      properties: { email: "Ada@Example.com", firstname: "Ada" },
      associations: [],
    });
    expect(created.id).toMatch(/^\d+$/);
    expect(created.properties.email).toBe("ada@example.com");
    expect(created.createdAt).toBeInstanceOf(Date);

    const error = await caught(
      hubspot.crm.contacts.basicApi.create({ properties: { email: "ada@example.com" }, associations: [] }),
    );
    expect(error.code).toBe(409);
    expect(error.body.category).toBe("CONFLICT");
    expect(error.body.message).toBe(`Contact already exists. Existing ID: ${created.id}`);
  });

  it("reads and updates by id or by idProperty=email, and 404s on a missing contact", async () => {
    const created = await hubspot.crm.contacts.basicApi.create({
      properties: { email: "grace@example.com" },
      associations: [],
    });
    const byEmail = await hubspot.crm.contacts.basicApi.getById(
      "grace@example.com",
      ["email", "lifecyclestage"],
      undefined,
      undefined,
      false,
      "email",
    );
    expect(byEmail.id).toBe(created.id);
    expect(byEmail.properties).toMatchObject({
      email: "grace@example.com",
      lifecyclestage: null,
      hs_object_id: created.id,
    });

    const updated = await hubspot.crm.contacts.basicApi.update(
      "grace@example.com",
      { properties: { lifecyclestage: "customer" } },
      "email",
    );
    expect(updated.properties.lifecyclestage).toBe("customer");

    const missing = await caught(hubspot.crm.contacts.basicApi.getById("999999"));
    expect(missing.code).toBe(404);
    expect(missing.body.category).toBe("OBJECT_NOT_FOUND");
  });

  it("batch upsert by email twice keeps one contact and counts both writes", async () => {
    const input = { inputs: [{ id: "linus@example.com", idProperty: "email", properties: { firstname: "Linus" } }] };
    const first = await hubspot.crm.contacts.batchApi.upsert(input);
    const second = await hubspot.crm.contacts.batchApi.upsert(input);
    expect(first.status).toBe("COMPLETE");
    expect(first.results[0]._new).toBe(true);
    expect(second.results[0]._new).toBe(false);
    expect(second.results[0].id).toBe(first.results[0].id);

    const state = await control.state<HubspotState>(sandbox.hubspot);
    expect(state.contacts).toHaveLength(1);
    expect(state.writesByEmail).toEqual({ "linus@example.com": 2 });
  });

  it("rejects an undefined property with 400 PROPERTY_DOESNT_EXIST until the property is created", async () => {
    const write = () =>
      hubspot.crm.contacts.batchApi.upsert({
        inputs: [{ id: "u_42", idProperty: "app_user_id", properties: { email: "u42@example.com", plan: "pro" } }],
      });
    const error = await caught(
      hubspot.crm.contacts.basicApi.create({ properties: { email: "x@example.com", plan: "pro" }, associations: [] }),
    );
    expect(error.code).toBe(400);
    expect(error.body.category).toBe("VALIDATION_ERROR");
    expect(error.body.message).toContain('Property \\"plan\\" does not exist');
    expect(error.body.message).toContain("PROPERTY_DOESNT_EXIST");
    expect(error.body.errors?.[0].code).toBe("PROPERTY_DOESNT_EXIST");
    expect((await caught(write())).code).toBe(400);

    await ensureAppProperties(hubspot);
    const property = await hubspot.crm.properties.coreApi.getByName("contacts", "app_user_id");
    expect(property.hasUniqueValue).toBe(true);
    const duplicate = await caught(
      hubspot.crm.properties.coreApi.create("contacts", {
        name: "plan",
        label: "Plan",
        type: "string" as never,
        fieldType: "text" as never,
        groupName: "founder_ops",
      }),
    );
    expect(duplicate.code).toBe(409);

    const result = await write();
    expect(result.results[0].properties).toMatchObject({ app_user_id: "u_42", plan: "pro", email: "u42@example.com" });
    const again = await write();
    expect(again.results[0]._new).toBe(false);
    expect((await control.state<HubspotState>(sandbox.hubspot)).contacts).toHaveLength(1);

    const badOption = await caught(
      hubspot.crm.contacts.basicApi.update(result.results[0].id, { properties: { plan: "platinum" } }),
    );
    expect(badOption.body.message).toContain("INVALID_OPTION");
    const notUnique = await caught(
      hubspot.crm.contacts.batchApi.upsert({ inputs: [{ id: "pro", idProperty: "plan", properties: {} }] }),
    );
    expect(notUnique.code).toBe(400);
  });

  it("hides freshly written contacts from search for searchLagMs", async () => {
    await control.configure(sandbox.hubspot, { searchLagMs: 300 });
    await hubspot.crm.contacts.basicApi.create({ properties: { email: "late@example.com" }, associations: [] });
    const search = () =>
      hubspot.crm.contacts.searchApi.doSearch({
        filterGroups: [{ filters: [{ propertyName: "email", operator: "EQ" as never, value: "late@example.com" }] }],
        properties: ["email"],
        limit: 10,
        after: "0",
        sorts: [],
      });
    expect((await search()).total).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const found = await search();
    expect(found.total).toBe(1);
    expect(found.results[0].properties.email).toBe("late@example.com");
  });

  it("surfaces an injected 429 as code 429 with the rate-limit headers", async () => {
    await control.fault(sandbox.hubspot, { path: "/crm/v3/objects/contacts", status: 429, retryAfter: 2 });
    const error = await caught(
      hubspot.crm.contacts.basicApi.create({ properties: { email: "busy@example.com" }, associations: [] }),
    );
    expect(error.code).toBe(429);
    expect(error.body.category).toBe("RATE_LIMITS");
    expect(error.headers["x-hubspot-ratelimit-remaining"]).toBe("0");
    expect(error.headers["retry-after"]).toBe("2");
    await expect(
      hubspot.crm.contacts.basicApi.create({ properties: { email: "busy@example.com" }, associations: [] }),
    ).resolves.toBeTruthy();
  });

  it("answers 401 INVALID_AUTHENTICATION to a wrong token", async () => {
    const wrong = new Client({ accessToken: "pat-wrong", basePath: sandbox.hubspot.url, numberOfApiCallRetries: 0 });
    const error = await caught(wrong.crm.properties.coreApi.getAll("contacts"));
    expect(error.code).toBe(401);
    expect(error.body.category).toBe("INVALID_AUTHENTICATION");
    const props = await hubspot.crm.properties.coreApi.getAll("contacts");
    expect(props.results.map((p) => p.name)).toContain("email");
  });
});
