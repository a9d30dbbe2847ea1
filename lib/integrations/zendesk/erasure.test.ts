// ZendeskService.redactUserTickets, deleteUser and exportUser against the Zendesk sandbox, through node-zendesk.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { IntegrationError } from "@/lib/integrations/errors";
import * as control from "@/sandbox/client";
import { type Sandbox, startSandbox } from "@/sandbox/index";
import { ZendeskService } from "./client";

const CREDS = { email: "agent@erasure.test", token: "zd-erasure-token" };
let sandbox: Sandbox;
const service = () =>
  new ZendeskService({ subdomain: "sandbox", ...CREDS, baseUrl: sandbox.zendesk.url, timeoutMs: 2_000 });

beforeAll(async () => {
  sandbox = await startSandbox({ zendesk: CREDS });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

/** A requester with `count` tickets, each with their message and our internal note. */
async function person(zendesk: ZendeskService, appUserId: string, count: number) {
  const { id } = await zendesk.ensureRequester({ email: `${appUserId}@example.com`, name: "Ada", appUserId });
  const tickets: number[] = [];
  for (let i = 0; i < count; i++) {
    const ticket = await zendesk.createTicket({
      reference: `SUP-${appUserId}-${i}`,
      requesterId: id,
      subject: "Crash",
      body: `My card 4242 is charged twice (${i})`,
      tags: [],
    });
    await zendesk.addInternalNote(ticket, `Context from the app: user ${appUserId}, plan pro`);
    tickets.push(ticket);
  }
  return { id, tickets };
}

const redacted = (text: string) => /^[\s\u2587]+$/.test(text);

describe("ZendeskService erasure", () => {
  it("redacts every comment of every requested ticket across pages, once; other people's tickets untouched", async () => {
    const zendesk = service();
    await control.configure(sandbox.zendesk, { pageSize: 2 });
    const ada = await person(zendesk, "u_ada", 3);
    const bob = await person(zendesk, "u_bob", 1);

    expect(await zendesk.redactUserTickets(String(ada.id))).toEqual({ tickets: 3, comments: 6 });
    for (const t of ada.tickets) {
      const comments = sandbox.zendesk.service.comments(t);
      expect(comments).toHaveLength(2);
      expect(comments.every((c) => redacted(c.body) && redacted(c.plain_body))).toBe(true);
      expect(redacted(String(sandbox.zendesk.service.tickets.get(t)?.description))).toBe(true);
    }
    expect(sandbox.zendesk.service.comments(bob.tickets[0]!)[0]?.body).toContain("4242");
    const pages = await control.requests(sandbox.zendesk, { path: `/api/v2/users/${ada.id}/tickets/requested` });
    expect(pages.map((r) => r.query)).toEqual(["", "page=2&per_page=2"]);

    // A retry (or a replay) redacts nothing twice.
    expect(await zendesk.redactUserTickets(String(ada.id))).toEqual({ tickets: 0, comments: 0 });
    const redactions = await control.requests(sandbox.zendesk, { path: "/api/v2/tickets/" });
    expect(redactions.filter((r) => r.method === "PUT" && r.path.endsWith("/redact.json"))).toHaveLength(6);
  });

  it("a redaction that fails midway is finished by the retry, which skips what was done", async () => {
    const zendesk = service();
    const ada = await person(zendesk, "u_ada", 2);
    await control.fault(sandbox.zendesk, {
      method: "PUT",
      path: `/api/v2/tickets/${ada.tickets[1]}/comments/`,
      status: 503,
    });
    const failed = await zendesk.redactUserTickets(String(ada.id)).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(IntegrationError);
    expect(failed).toMatchObject({ service: "zendesk", status: 503, transient: true });
    expect(await zendesk.redactUserTickets(String(ada.id))).toEqual({ tickets: 1, comments: 2 });
  });

  it("deletes the user (soft, then permanent): tickets stay; a second call answers deleted: false", async () => {
    const zendesk = service();
    const ada = await person(zendesk, "u_ada", 1);
    await zendesk.redactUserTickets(String(ada.id));
    expect(await zendesk.deleteUser(String(ada.id))).toEqual({ deleted: true });
    expect(sandbox.zendesk.service.users.has(ada.id)).toBe(false);
    expect(sandbox.zendesk.service.deletedUsers.has(ada.id)).toBe(false);
    expect(sandbox.zendesk.service.tickets.get(ada.tickets[0]!)?.requester_id).toBe(ada.id);
    expect(await zendesk.exportUser(String(ada.id))).toBeNull();

    expect(await zendesk.deleteUser(String(ada.id))).toEqual({ deleted: false });
    expect(await zendesk.redactUserTickets(String(ada.id))).toEqual({ tickets: 0, comments: 0 });
    // The email is free again: a new signup makes a new user.
    const again = await zendesk.ensureRequester({ email: "u_ada@example.com", appUserId: "u_new" });
    expect(again.matchedBy).toBe("id");
    expect(again.id).not.toBe(ada.id);
  });

  it("a permanent delete that failed is finished by the retry (the soft delete already done)", async () => {
    const zendesk = service();
    const ada = await person(zendesk, "u_ada", 0);
    await control.fault(sandbox.zendesk, { method: "DELETE", path: "/api/v2/deleted_users/", status: 500 });
    await expect(zendesk.deleteUser(String(ada.id))).rejects.toMatchObject({ service: "zendesk", status: 500 });
    expect(sandbox.zendesk.service.deletedUsers.has(ada.id)).toBe(true);
    expect(await zendesk.deleteUser(String(ada.id))).toEqual({ deleted: true });
    expect(sandbox.zendesk.service.deletedUsers.has(ada.id)).toBe(false);
  });

  it("a 429 or 403 on the user delete surfaces as zendesk errors and deletes nothing", async () => {
    const zendesk = service();
    const ada = await person(zendesk, "u_ada", 0);
    const path = `/api/v2/users/${ada.id}`;
    await control.fault(sandbox.zendesk, [
      { method: "DELETE", path, status: 429 },
      { method: "DELETE", path, status: 403 },
    ]);
    await expect(zendesk.deleteUser(String(ada.id))).rejects.toMatchObject({
      service: "zendesk",
      status: 429,
      transient: true,
    });
    await expect(zendesk.deleteUser(String(ada.id))).rejects.toMatchObject({
      service: "zendesk",
      status: 403,
      transient: false,
    });
    expect(sandbox.zendesk.service.users.has(ada.id)).toBe(true);
  });

  it("exports the user and their tickets with comments; an unknown user is null", async () => {
    const zendesk = service();
    const ada = await person(zendesk, "u_ada", 2);
    const exported = await zendesk.exportUser(String(ada.id));
    expect(exported?.user).toMatchObject({ id: ada.id, email: "u_ada@example.com", external_id: "u_ada" });
    expect(exported?.tickets).toHaveLength(2);
    expect(exported?.tickets[0]).toMatchObject({
      id: ada.tickets[0],
      comments: [{ body: "My card 4242 is charged twice (0)" }, { public: false }],
    });
    expect(await zendesk.exportUser("999999")).toBeNull();
  });
});
