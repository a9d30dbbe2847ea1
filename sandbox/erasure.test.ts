// The sandboxes' erasure endpoints over plain HTTP: HubSpot's GDPR delete, Zendesk's user deletion and comment
// redaction, Intercom's contact delete, Stripe's customer delete; their errors, faults and saved state.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as control from "./client";
import { createHubspotService } from "./hubspot";
import { DEMO_CREDENTIALS, type Sandbox, startSandbox } from "./index";
import { createZendeskService } from "./zendesk";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const zendeskAuth = `Basic ${Buffer.from(`${DEMO_CREDENTIALS.zendesk.email}/token:${DEMO_CREDENTIALS.zendesk.token}`).toString("base64")}`;
const AUTH = {
  hubspot: `Bearer ${DEMO_CREDENTIALS.hubspotToken}`,
  zendesk: zendeskAuth,
  intercom: `Bearer ${DEMO_CREDENTIALS.intercomToken}`,
  stripe: `Bearer ${DEMO_CREDENTIALS.stripeKey}`,
};

async function call(service: keyof typeof AUTH, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox[service].url}${path}`, {
    method,
    headers: { authorization: AUTH[service], ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe("hubspot gdpr-delete", () => {
  it("purges by id or by email: 204, then gone everywhere; unknown 404; no objectId 400", async () => {
    const [a, b] = await control.seed<{ id: string }>(sandbox.hubspot, [
      { object: "contact", properties: { email: "ada@example.com", firstname: "Ada" } },
      { object: "contact", properties: { email: "bob@example.com" } },
    ]);
    const purge = (body: unknown) => call("hubspot", "POST", "/crm/v3/objects/contacts/gdpr-delete", body);
    expect((await purge({ objectId: a!.id })).status).toBe(204);
    expect((await purge({ objectId: "BOB@example.com", idProperty: "email" })).status).toBe(204);
    expect((await call("hubspot", "GET", `/crm/v3/objects/contacts/${a!.id}`)).status).toBe(404);
    const read = await call("hubspot", "POST", "/crm/v3/objects/contacts/batch/read", { inputs: [{ id: b!.id }] });
    expect(read.body.results).toEqual([]);
    const search = await call("hubspot", "POST", "/crm/v3/objects/contacts/search", { query: "example.com" });
    expect(search.body.total).toBe(0);

    const missing = await purge({ objectId: a!.id });
    expect(missing).toMatchObject({ status: 404, body: { category: "OBJECT_NOT_FOUND" } });
    expect(await purge({})).toMatchObject({ status: 400, body: { category: "VALIDATION_ERROR" } });
    const state = await control.state<control.HubspotState>(sandbox.hubspot);
    expect(state.purged.map((p) => p.id)).toEqual([a!.id, b!.id]);
    expect(JSON.stringify(state.purged)).not.toContain("example.com");
  });

  it("answers an 'always' fault every time until cleared", async () => {
    const [a] = await control.seed<{ id: string }>(sandbox.hubspot, [
      { object: "contact", properties: { email: "ada@example.com" } },
    ]);
    await control.fault(sandbox.hubspot, {
      path: "/crm/v3/objects/contacts/gdpr-delete",
      status: 500,
      times: "always",
    });
    for (let i = 0; i < 2; i++)
      expect(await call("hubspot", "POST", "/crm/v3/objects/contacts/gdpr-delete", { objectId: a!.id })).toMatchObject({
        status: 500,
        body: { category: "INTERNAL_ERROR" },
      });
    await control.clearFaults(sandbox.hubspot);
    expect((await call("hubspot", "POST", "/crm/v3/objects/contacts/gdpr-delete", { objectId: a!.id })).status).toBe(
      204,
    );
  });

  it("keeps the purged list through dump and restore", () => {
    const one = createHubspotService({ accessToken: "t" });
    const contact = one.store.create({ email: "ada@example.com" });
    one.store.archive(contact);
    one.store.purged.push({ id: contact.id, at: "2026-11-28T00:00:00.000Z" });
    const two = createHubspotService({ accessToken: "t" });
    two.restore(JSON.parse(JSON.stringify(one.dump())));
    expect(two.store.purged).toEqual([{ id: contact.id, at: "2026-11-28T00:00:00.000Z" }]);
    expect(() => two.restore({ ...(one.dump() as object), purged: "nope" })).toThrow(/purged/);
    expect(two.store.purged).toHaveLength(1);
  });
});

describe("zendesk user deletion and redaction", () => {
  async function userWithTicket(email: string) {
    const user = (await call("zendesk", "POST", "/api/v2/users.json", { user: { name: "Ada", email } })).body.user;
    const ticket = (
      await call("zendesk", "POST", "/api/v2/tickets.json", {
        ticket: { subject: "Hi", comment: { body: "Call me on 555-0100", author_id: user.id }, requester_id: user.id },
      })
    ).body.ticket;
    return { user, ticket };
  }

  it("soft delete: GET answers active false, lists and email look-ups do not see them; then permanent", async () => {
    const { user, ticket } = await userWithTicket("ada@example.com");
    const soft = await call("zendesk", "DELETE", `/api/v2/users/${user.id}.json`);
    expect(soft).toMatchObject({ status: 200, body: { user: { id: user.id, active: false } } });
    expect((await call("zendesk", "GET", `/api/v2/users/${user.id}.json`)).body.user.active).toBe(false);
    expect((await call("zendesk", "GET", `/api/v2/deleted_users/${user.id}.json`)).status).toBe(200);
    const search = await call("zendesk", "GET", "/api/v2/users/search.json?query=email:ada@example.com");
    expect(search.body.users).toEqual([]);
    expect((await call("zendesk", "DELETE", `/api/v2/users/${user.id}.json`)).status).toBe(404);

    const hard = await call("zendesk", "DELETE", `/api/v2/deleted_users/${user.id}.json`);
    expect(hard).toMatchObject({ status: 200, body: { deleted_user: { id: user.id, email: null } } });
    expect((await call("zendesk", "GET", `/api/v2/users/${user.id}.json`)).status).toBe(404);
    expect((await call("zendesk", "DELETE", `/api/v2/deleted_users/${user.id}.json`)).status).toBe(404);
    expect((await call("zendesk", "GET", `/api/v2/tickets/${ticket.id}.json`)).body.ticket.requester_id).toBe(user.id);
    // The agent the token belongs to cannot be deleted.
    expect((await call("zendesk", "DELETE", "/api/v2/users/1000.json")).status).toBe(422);
  });

  it("redacts the given text (▇ per character) in the comment and the description; bad input is refused", async () => {
    const { ticket } = await userWithTicket("ada@example.com");
    const [comment] = sandbox.zendesk.service.comments(ticket.id);
    const path = `/api/v2/tickets/${ticket.id}/comments/${comment!.id}/redact.json`;
    const done = await call("zendesk", "PUT", path, { text: "555-0100" });
    expect(done.status).toBe(200);
    expect(done.body.comment.body).toBe("Call me on ▇▇▇▇▇▇▇▇");
    expect(sandbox.zendesk.service.tickets.get(ticket.id)?.description).toBe("Call me on ▇▇▇▇▇▇▇▇");
    expect(await call("zendesk", "PUT", path, { text: "555-0100" })).toMatchObject({
      status: 422,
      body: { error: "RecordInvalid" },
    });
    expect((await call("zendesk", "PUT", path, {})).status).toBe(400);
    expect(
      (await call("zendesk", "PUT", `/api/v2/tickets/${ticket.id}/comments/1/redact.json`, { text: "x" })).status,
    ).toBe(404);
  });

  it("keeps soft-deleted users through dump and restore; a malformed list leaves the state as it was", async () => {
    const one = createZendeskService(DEMO_CREDENTIALS.zendesk);
    one.deletedUsers.set(10005, { id: 10005, name: "Ada", email: "ada@example.com", external_id: null });
    const two = createZendeskService(DEMO_CREDENTIALS.zendesk);
    two.restore(JSON.parse(JSON.stringify(one.dump())));
    expect([...two.deletedUsers.keys()]).toEqual([10005]);
    expect(() => two.restore({ ...(one.dump() as object), deletedUsers: [{ id: "x" }] })).toThrow(/deleted user/);
    expect([...two.deletedUsers.keys()]).toEqual([10005]);
  });
});

describe("intercom contact delete", () => {
  it("deletes once (Intercom's answer), then 404 not_found", async () => {
    const made = await call("intercom", "POST", "/contacts", {
      role: "user",
      external_id: "u_1",
      email: "a@example.com",
    });
    const first = await call("intercom", "DELETE", `/contacts/${made.body.id}`);
    expect(first).toEqual({
      status: 200,
      body: { type: "contact", id: made.body.id, external_id: "u_1", deleted: true },
    });
    const second = await call("intercom", "DELETE", `/contacts/${made.body.id}`);
    expect(second).toMatchObject({ status: 404, body: { type: "error.list", errors: [{ code: "not_found" }] } });
  });
});

describe("stripe customer delete", () => {
  it("cancels the customer's live subscriptions, not others', and answers deleted; then 404", async () => {
    await control.seed(sandbox.stripe, [
      { object: "customer", id: "cus_ada" },
      { object: "customer", id: "cus_bob" },
      { object: "subscription", id: "sub_ada", customer: "cus_ada", status: "active" },
      { object: "subscription", id: "sub_bob", customer: "cus_bob", status: "active" },
    ]);
    expect(await call("stripe", "DELETE", "/v1/customers/cus_ada")).toEqual({
      status: 200,
      body: { id: "cus_ada", object: "customer", deleted: true },
    });
    expect(sandbox.stripe.service.objects.get("sub_ada")?.status).toBe("canceled");
    expect(sandbox.stripe.service.objects.get("sub_bob")?.status).toBe("active");
    expect((await call("stripe", "DELETE", "/v1/customers/cus_ada")).status).toBe(404);
    expect((await call("stripe", "GET", "/v1/customers/cus_ada")).body).toEqual({
      id: "cus_ada",
      object: "customer",
      deleted: true,
    });
  });
});
