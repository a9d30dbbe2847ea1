// SUPPORT_PROVIDER=intercom end to end: real routes, PGlite, the real intercom-client against the sandbox.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import * as control from "@/sandbox/client";
import { customers, eventSteps, events, identities, rejectedDeliveries, supportTickets } from "@/db/schema";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { env } from "@/lib/env";
import { signIntercomPayload } from "@/lib/ingest/intercom-signature";
import { flushRejections } from "@/lib/ingest/rejections";
import { POST as intercomRoute } from "@/app/api/webhooks/intercom/route";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ supportProvider: "intercom" });
});
afterAll(() => h?.close());
beforeEach(() => h.sandbox.reset());

const intercom = () => h.sandbox.intercom.service;
const conversationsWith = (reference: unknown) =>
  [...intercom().conversations.values()].filter((c) => c.custom_attributes.reference === reference);
const notesOf = (conversationId: string) =>
  intercom()
    .conversations.get(conversationId)!
    .parts.filter((p) => p.part_type === "note");
const eventById = async (id: unknown) =>
  (
    await h.db
      .select()
      .from(events)
      .where(eq(events.id, String(id)))
  )[0]!;
const ticketOf = async (reference: unknown) =>
  (
    await h.db
      .select()
      .from(supportTickets)
      .where(eq(supportTickets.reference, String(reference)))
  )[0]!;

async function intercomLinkOf(appUserId: string) {
  const [customer] = await h.db.select().from(customers).where(eq(customers.appUserId, appUserId));
  return (
    await h.db
      .select()
      .from(identities)
      .where(and(eq(identities.customerId, customer!.id), eq(identities.system, "intercom")))
  )[0];
}

async function requestSupport(o: { userId?: string; requestId?: string } = {}) {
  const userId = o.userId ?? uid("u");
  const email = `${userId}@example.com`;
  await h.postApp(appEvent("user.signed_up", { userId, email, name: "Ada Lovelace" }));
  const res = await h.postApp(
    appEvent("support.requested", {
      requestId: o.requestId ?? uid("req"),
      userId,
      email,
      subject: "Sync stuck",
      message: "My data does not sync.",
      context: { platform: "ios", osVersion: "18.1", appVersion: "3.2.0", device: "iPhone 15" },
    }),
  );
  expect(res.status).toBe(200);
  await h.settle();
  return { userId, email, res };
}

async function postIntercom(body: string, o: { signature?: string | null } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const signature = o.signature === undefined ? signIntercomPayload(body, env.INTERCOM_WEBHOOK_SECRET) : o.signature;
  if (signature !== null) headers["x-hub-signature"] = signature;
  const res = await intercomRoute(
    new Request("http://127.0.0.1/api/webhooks/intercom", { method: "POST", body, headers }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function notification(
  conversationId: string,
  state: "open" | "closed" | "snoozed",
  updatedAt: number,
  id = uid("notif"),
) {
  const topic = state === "open" ? "opened" : state;
  return JSON.stringify({
    type: "notification_event",
    app_id: "sandbox",
    topic: `conversation.admin.${topic}`,
    id,
    created_at: updatedAt,
    data: {
      type: "notification_event_data",
      item: { type: "conversation", id: conversationId, state, updated_at: updatedAt },
    },
  });
}

describe("support.requested with SUPPORT_PROVIDER=intercom", () => {
  it("makes one contact-started conversation with the reference, one note, the contact linked by external_id", async () => {
    const { userId, res } = await requestSupport();
    const reference = res.body.reference;
    const row = await eventById(res.body.id);
    expect(row.status).toBe("succeeded");
    const [conversation] = conversationsWith(reference);
    expect(conversationsWith(reference)).toHaveLength(1);
    const contact = intercom().contacts.get(conversation!.contacts.contacts[0]!.id)!;
    expect(contact).toMatchObject({ external_id: userId, role: "user" });
    expect(conversation!.source.author).toMatchObject({ id: contact.id, type: "user" });
    expect(conversation!.source.body).toContain(String(reference));
    const notes = notesOf(conversation!.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain("Platform: ios");
    expect(notes[0]!.author.type).toBe("admin");
    expect(await intercomLinkOf(userId)).toMatchObject({ externalId: contact.id, matchedBy: "id" });
    const ticket = await ticketOf(reference);
    expect(ticket).toMatchObject({ provider: "intercom", intercomConversationId: conversation!.id, status: "open" });
    expect(ticket.acknowledgedAt).toBeInstanceOf(Date);
    const [step] = await h.db
      .select()
      .from(eventSteps)
      .where(and(eq(eventSteps.eventId, row.id), eq(eventSteps.step, "create-ticket")));
    expect(step).toMatchObject({ status: "succeeded", externalRef: conversation!.id });
    expect(step!.output).toMatchObject({ reference, conversationId: conversation!.id, contactId: contact.id });
  });

  it("a conversation create whose answer is lost, then a 500: still exactly one conversation and one note", async () => {
    await control.fault(h.sandbox.intercom, [
      { path: "/conversations", method: "POST", kind: "hang", process: true },
      { path: "/conversations/search", method: "POST", status: 500 },
    ]);
    const { res } = await requestSupport();
    expect((await eventById(res.body.id)).status).toBe("succeeded");
    const all = [...intercom().conversations.values()];
    expect(all).toHaveLength(1);
    expect(all[0]!.custom_attributes.reference).toBe(res.body.reference);
    expect(notesOf(all[0]!.id)).toHaveLength(1);
    expect((await ticketOf(res.body.reference)).intercomConversationId).toBe(all[0]!.id);
  });

  it("a note whose answer is lost is not written twice", async () => {
    // The conversation this request will make is the sandbox's next one.
    const next = (intercom().dump() as { next: { conversation: number } }).next.conversation;
    await control.fault(h.sandbox.intercom, {
      path: `/conversations/${next}/reply`,
      method: "POST",
      kind: "reset",
      process: true,
    });
    const { res } = await requestSupport();
    expect((await eventById(res.body.id)).status).toBe("succeeded");
    const [conversation] = conversationsWith(res.body.reference);
    expect(notesOf(conversation!.id)).toHaveLength(1);
  });

  it("a retry of the same request (new event id) makes nothing new", async () => {
    const userId = uid("u");
    const requestId = uid("req");
    const first = await requestSupport({ userId, requestId });
    const again = await requestSupport({ userId, requestId });
    expect(again.res.body.reference).toBe(first.res.body.reference);
    expect(conversationsWith(first.res.body.reference)).toHaveLength(1);
    expect(intercom().contacts.size).toBe(1);
  });
});

describe("POST /api/webhooks/intercom", () => {
  it("a conversation closed comes back as the ticket's status, the app is told once, a duplicate is stored once", async () => {
    const { userId, res } = await requestSupport();
    const ticket = await ticketOf(res.body.reference);
    const conversationId = ticket.intercomConversationId!;
    const at = Math.floor(Date.now() / 1000) + 5;
    const id = uid("notif");
    const body = notification(conversationId, "closed", at, id);
    const answer = await postIntercom(body);
    expect(answer).toMatchObject({ status: 200, body: { received: true } });
    await h.settle();
    expect(await ticketOf(res.body.reference)).toMatchObject({ status: "closed" });
    expect((await ticketOf(res.body.reference)).statusChangedAt?.getTime()).toBe(at * 1000);
    const row = await eventById(answer.body.id);
    expect(row).toMatchObject({
      source: "intercom",
      type: "conversation.admin.closed",
      externalId: id,
      status: "succeeded",
    });
    const callbacks = h.sandbox.app.service
      .received()
      .filter((c) => c.type === "support.updated" && c.data.appUserId === userId);
    expect(callbacks.map((c) => (c.data as { ticket: { status: string } }).ticket.status)).toContain("closed");
    expect(callbacks.filter((c) => c.id === `sup_${row.id}`)).toHaveLength(1);

    const dup = await postIntercom(body);
    expect(dup).toMatchObject({ status: 200, body: { duplicate: true, id: row.id } });
    await h.settle();
    expect(await h.db.select().from(events).where(eq(events.externalId, id))).toHaveLength(1);

    // Snoozed → pending; an older notification does not overwrite the newer status.
    await postIntercom(notification(conversationId, "snoozed", at + 10));
    await postIntercom(notification(conversationId, "open", at - 100));
    await h.settle();
    expect((await ticketOf(res.body.reference)).status).toBe("pending");
  });

  it("the sandbox's own signed notification is accepted end to end", async () => {
    const { res } = await requestSupport();
    const conversationId = (await ticketOf(res.body.reference)).intercomConversationId!;
    // The sandbox posts to a URL; here its body and signature are replayed into the route.
    const seen: Array<{ body: string; signature: string | null }> = [];
    const { createServer } = await import("node:http");
    const server = createServer((req, resp) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen.push({ body: Buffer.concat(chunks).toString("utf8"), signature: String(req.headers["x-hub-signature"]) });
        resp.end("{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    await control.configure(h.sandbox.intercom, {
      webhookUrl: `http://127.0.0.1:${port}/`,
      webhookSecret: env.INTERCOM_WEBHOOK_SECRET,
    });
    intercom().setState(conversationId, "closed");
    await intercom().flushWebhooks();
    await new Promise<void>((r) => server.close(() => r()));
    expect(seen).toHaveLength(1);
    expect((await postIntercom(seen[0]!.body, { signature: seen[0]!.signature })).status).toBe(200);
    await h.settle();
    expect((await ticketOf(res.body.reference)).status).toBe("closed");
  });

  it("a bad or missing signature is refused with 400 and nothing is stored", async () => {
    const id = uid("notif");
    const body = notification("12345", "closed", Math.floor(Date.now() / 1000), id);
    const bad = await postIntercom(body, { signature: signIntercomPayload(body, "not-the-secret-at-all") });
    expect(bad).toMatchObject({ status: 400, body: { code: "bad_signature" } });
    const missing = await postIntercom(body, { signature: null });
    expect(missing).toMatchObject({ status: 400, body: { code: "missing_signature" } });
    const malformed = await postIntercom(body, { signature: "sha256=abc" });
    expect(malformed).toMatchObject({ status: 400, body: { code: "malformed_signature" } });
    expect(await h.db.select().from(events).where(eq(events.externalId, id))).toHaveLength(0);
    await flushRejections();
    const refused = await h.db.select().from(rejectedDeliveries).where(eq(rejectedDeliveries.route, "intercom"));
    expect(refused.length).toBeGreaterThan(0);
  });

  it("other topics are stored ignored; an invalid body is refused", async () => {
    const ping = JSON.stringify({
      type: "notification_event",
      topic: "ping",
      id: uid("notif"),
      created_at: Math.floor(Date.now() / 1000),
      data: { item: { type: "ping", message: "hi" } },
    });
    const answer = await postIntercom(ping);
    expect(answer).toMatchObject({ status: 200, body: { ignored: true } });
    expect((await eventById(answer.body.id)).status).toBe("ignored");
    const invalid = await postIntercom(
      JSON.stringify({ type: "notification_event", topic: "conversation.admin.closed" }),
    );
    expect(invalid).toMatchObject({ status: 400, body: { code: "invalid_event" } });
  });

  it("a notification about a conversation the console did not make is skipped", async () => {
    const answer = await postIntercom(notification("999999", "closed", Math.floor(Date.now() / 1000)));
    await h.settle();
    const row = await eventById(answer.body.id);
    expect(row.status).toBe("succeeded");
    const steps = await h.db.select().from(eventSteps).where(eq(eventSteps.eventId, row.id));
    expect(steps.find((s) => s.step === "update-ticket-status")).toMatchObject({ status: "skipped" });
  });
});
