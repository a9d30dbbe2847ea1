// support.requested → Zendesk acknowledges the request to the requester: the ticket's first comment is their
// message, public and authored by them; the context from the app is one internal note by the agent. Exactly
// once across lost answers (ticket create, note update) and retries of the same request.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import * as control from "@/sandbox/client";
import { events, eventSteps, identities, supportTickets } from "@/db/schema";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(async () => {
  h.sandbox.reset();
  // The sandbox restarts its ids at each reset; links from earlier tests would own the reused ids.
  await h.db.delete(identities).where(eq(identities.system, "zendesk"));
  await h.db.update(supportTickets).set({ zendeskTicketId: null });
});

const AGENT_ID = 1000; // the sandbox's agent (the token's user)

async function request(o: { requestId?: string } = {}) {
  const userId = uid("u");
  const email = `${userId}@example.com`;
  expect((await h.postApp(appEvent("user.signed_up", { userId, email, name: "Ada" }))).status).toBe(200);
  await h.settle();
  const data = {
    requestId: o.requestId ?? uid("req"),
    userId,
    email,
    subject: "Restore purchases fails",
    message: "Tapping restore does nothing.",
    context: { platform: "ios", osVersion: "18.2", appVersion: "2.4.1", device: "iPhone 15", screen: "Paywall" },
  };
  return { userId, email, data };
}

async function ticketOf(reference: string) {
  const tickets = [...h.sandbox.zendesk.service.tickets.values()].filter((t) => t.external_id === reference);
  expect(tickets).toHaveLength(1);
  const ticket = tickets[0]!;
  return { ticket, comments: h.sandbox.zendesk.service.comments(ticket.id) };
}

async function expectAcknowledgedOnce(reference: string, email: string) {
  const { ticket, comments } = await ticketOf(reference);
  const requester = h.sandbox.zendesk.service.users.get(ticket.requester_id);
  expect(requester?.email).toBe(email);
  expect(comments).toHaveLength(2);
  expect(comments[0]).toMatchObject({
    public: true,
    author_id: ticket.requester_id,
    body: "Tapping restore does nothing.",
  });
  expect(comments[1]).toMatchObject({ public: false, author_id: AGENT_ID });
  for (const line of [
    "Plan: none",
    "Platform: ios",
    "OS version: 18.2",
    "App version: 2.4.1",
    "Device: iPhone 15",
    "Screen: Paywall",
    `Reference: ${reference}`,
  ])
    expect(comments[1]!.body).toContain(line);
  // The context is for agents only: not in the public comment the requester sees.
  expect(comments[0]!.body).not.toContain("Platform:");
  const acks = h.sandbox.zendesk.service.notifications().filter((n) => n.ticket_id === ticket.id);
  expect(acks).toEqual([expect.objectContaining({ kind: "request_received", to: email })]);
  const [row] = await h.db.select().from(supportTickets).where(eq(supportTickets.reference, reference));
  expect(row).toMatchObject({ zendeskTicketId: ticket.id, status: "open" });
  expect(row!.acknowledgedAt).toBeInstanceOf(Date);
  return { ticket, row: row! };
}

async function createStep(eventId: string) {
  const [step] = await h.db
    .select()
    .from(eventSteps)
    .where(and(eq(eventSteps.eventId, eventId), eq(eventSteps.step, "create-ticket")));
  return step;
}

describe("support.requested: Zendesk acknowledges the request", () => {
  it("the first public comment is the requester's message, by them; the context is one internal note", async () => {
    const { email, data } = await request();
    const res = await h.postApp(appEvent("support.requested", data));
    await h.settle();
    const reference = String(res.body.reference);
    await expectAcknowledgedOnce(reference, email);
    const step = await createStep(String(res.body.id));
    expect(step).toMatchObject({ status: "succeeded" });
    expect(step!.output).toMatchObject({ reference, acknowledged: true, internalNote: "added" });
  });

  it("lost answers on the ticket create and on the note: still one ticket, one public comment, one note", async () => {
    const { email, data } = await request();
    await control.fault(h.sandbox.zendesk, [
      { path: "/api/v2/tickets.json", method: "POST", kind: "hang", process: true },
      { path: "/api/v2/tickets/", method: "PUT", kind: "hang", process: true },
    ]);
    const res = await h.postApp(appEvent("support.requested", data));
    await h.settle();
    const reference = String(res.body.reference);
    const [row] = await h.db
      .select()
      .from(events)
      .where(eq(events.id, String(res.body.id)));
    expect(row!.status).toBe("succeeded");
    await expectAcknowledgedOnce(reference, email);
    // Both writes happened once, in the attempts whose answers were lost.
    const writes = (await control.requests(h.sandbox.zendesk)).filter(
      (r) => r.method === "PUT" || (r.method === "POST" && r.path === "/api/v2/tickets.json"),
    );
    expect(writes.filter((r) => r.method === "PUT")).toHaveLength(1);
    expect((await createStep(String(res.body.id)))!.output).toMatchObject({ internalNote: "already on the ticket" });
  });

  it("a failing comments list (500) is retried; the phone's retries of the request add nothing", async () => {
    const { email, data } = await request();
    await control.fault(h.sandbox.zendesk, { path: "/api/v2/tickets/", method: "GET", status: 500 });
    const first = await h.postApp(appEvent("support.requested", data));
    await h.settle();
    const reference = String(first.body.reference);
    await expectAcknowledgedOnce(reference, email);
    for (let i = 0; i < 3; i++) {
      const again = await h.postApp(appEvent("support.requested", data));
      expect(again.body.reference).toBe(reference);
    }
    await h.settle();
    await expectAcknowledgedOnce(reference, email);
  });
});
