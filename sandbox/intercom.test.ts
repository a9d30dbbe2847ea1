// The Intercom look-alike driven by the real intercom-client (through IntercomService and directly).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { IntercomClient, IntercomError } from "intercom-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { IntercomService } from "@/lib/integrations/intercom/client";
import { IntegrationError } from "@/lib/integrations/errors";
import { verifyIntercomSignature } from "@/lib/ingest/intercom-signature";
import { startSandbox } from "./index";
import type { Sandbox } from "./index";

const TOKEN = "ic-suite-token";
const SECRET = "icsec_suite_secret_0123456789";
let sandbox: Sandbox;
let receiver: http.Server;
let receiverUrl: string;
const received: Array<{ body: string; signature: string | undefined }> = [];

const service = (token = TOKEN) => new IntercomService({ token, baseUrl: sandbox.intercom.url, timeoutMs: 2_000 });
const raw = () => new IntercomClient({ token: TOKEN, baseUrl: sandbox.intercom.url, maxRetries: 0 });

beforeAll(async () => {
  sandbox = await startSandbox({ intercomToken: TOKEN });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        body: Buffer.concat(chunks).toString("utf8"),
        signature: req.headers["x-hub-signature"] as string,
      });
      res.writeHead(200).end("{}");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});
beforeEach(() => {
  sandbox.reset();
  received.length = 0;
});

describe("intercom sandbox", () => {
  it("checks the Bearer token: /me answers the admin, a wrong token gets 401 as an error.list", async () => {
    expect(await service().me()).toMatchObject({ id: "991", appId: "sandbox" });
    const err = await service("wrong")
      .me()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrationError);
    expect(err).toMatchObject({ status: 401, transient: false, code: "unauthorized", message: "Access Token Invalid" });
  });

  it("creates, finds by external_id and adopts a contact by email", async () => {
    const ic = service();
    const made = await ic.ensureContact({ appUserId: "u_1", email: "Ada@Example.com", name: "Ada" });
    expect(made.matchedBy).toBe("id");
    expect(await ic.ensureContact({ appUserId: "u_1", email: "ada@example.com" })).toEqual(made);
    expect(sandbox.intercom.service.contacts.get(made.id)).toMatchObject({
      role: "user",
      external_id: "u_1",
      email: "ada@example.com",
      name: "Ada",
    });
    // A lead from the Messenger with only an email: adopted, given our external id.
    const lead = await raw().contacts.create({ role: "lead", email: "bo@example.com" } as never);
    const adopted = await ic.ensureContact({ appUserId: "u_2", email: "bo@example.com" });
    expect(adopted).toEqual({ id: (lead as { id: string }).id, matchedBy: "email" });
    expect(sandbox.intercom.service.contacts.get(adopted.id)?.external_id).toBe("u_2");
    // A duplicate external id is refused as Intercom does (409 naming the contact).
    const dup = await raw()
      .contacts.create({ role: "user", external_id: "u_1" } as never)
      .catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(IntercomError);
    expect((dup as IntercomError).statusCode).toBe(409);
    expect(JSON.stringify((dup as IntercomError).body)).toContain(`id=${made.id}`);
  });

  it("starts a conversation from the contact, keeps the reference, finds it again, notes once", async () => {
    const ic = service();
    const { id: contactId } = await ic.ensureContact({ appUserId: "u_1", email: "ada@example.com" });
    expect(await ic.findConversationByReference("SUP-AAAA2222")).toBeUndefined();
    const conv = await ic.createConversation({
      contactId,
      body: "Help\n\nReference: SUP-AAAA2222",
      reference: "SUP-AAAA2222",
    });
    expect(await ic.findConversationByReference("SUP-AAAA2222")).toBe(conv.id);
    const stored = sandbox.intercom.service.conversations.get(conv.id);
    expect(stored).toMatchObject({
      state: "open",
      custom_attributes: { reference: "SUP-AAAA2222" },
      source: { delivered_as: "customer_initiated", author: { id: contactId, type: "user" } },
    });
    // A conversation whose attribute was never set (the answer was lost) is found by its body, and fixed.
    const lost = await raw().conversations.create({
      from: { type: "user", id: contactId },
      body: "Reference: SUP-LOST3333",
    });
    const lostId = String((lost as { conversation_id: string }).conversation_id);
    expect(await ic.findConversationByReference("SUP-LOST3333")).toBeUndefined();
    expect(await ic.findConversationByReference("SUP-LOST3333", { contactId })).toBe(lostId);
    expect(sandbox.intercom.service.conversations.get(lostId)?.custom_attributes).toEqual({
      reference: "SUP-LOST3333",
    });

    const admin = await ic.adminIdOf();
    expect(await ic.addNote(conv.id, admin, "Context from the app — SUP-AAAA2222\nPlan: pro")).toMatchObject({
      added: true,
    });
    expect(await ic.addNote(conv.id, admin, "Context from the app — SUP-AAAA2222\nPlan: pro")).toMatchObject({
      added: false,
    });
    const full = await ic.getConversation(conv.id);
    const notes = full.conversation_parts?.conversation_parts?.filter((p) => p.part_type === "note") ?? [];
    expect(notes).toHaveLength(1);
    expect(notes[0].author).toMatchObject({ type: "admin", id: admin });
  });

  it("refuses a custom attribute that does not exist", async () => {
    const ic = service();
    const { id: contactId } = await ic.ensureContact({ appUserId: "u_1", email: "ada@example.com" });
    const lost = await raw().conversations.create({ from: { type: "user", id: contactId }, body: "hi" });
    const err = await raw()
      .conversations.update({ conversation_id: String(lost.conversation_id), custom_attributes: { nope: "x" } })
      .catch((e: unknown) => e);
    expect((err as IntercomError).statusCode).toBe(400);
    expect(JSON.stringify((err as IntercomError).body)).toContain("error.list");
  });

  it("classifies faults: 500 and 429 transient (X-RateLimit-Reset), 404 permanent, a reset socket transient", async () => {
    const ic = service();
    sandbox.intercom.faults.add({ path: "/me", status: 500 });
    expect(await ic.me().catch((e: unknown) => e)).toMatchObject({
      transient: true,
      status: 500,
      code: "server_error",
    });
    sandbox.intercom.faults.add({ path: "/me", status: 429 });
    const limited = (await ic.me().catch((e: unknown) => e)) as IntegrationError;
    expect(limited).toMatchObject({ transient: true, status: 429 });
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    sandbox.intercom.faults.add({ path: "/me", status: 429, retryAfter: 3 });
    expect(await ic.me().catch((e: unknown) => e)).toMatchObject({ retryAfterMs: 3000 });
    sandbox.intercom.faults.add({ path: "/me", status: 404 });
    expect(await ic.me().catch((e: unknown) => e)).toMatchObject({ transient: false, status: 404 });
    sandbox.intercom.faults.add({ path: "/me", kind: "reset" });
    const reset = (await ic.me().catch((e: unknown) => e)) as IntegrationError;
    expect(reset).toMatchObject({ transient: true, status: undefined });
    expect(reset.message).toMatch(/^network: /);
  });

  it("closes, snoozes and opens by /parts and sends signed notifications", async () => {
    await fetch(`${sandbox.intercom.url}/__sandbox/config`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ webhookUrl: receiverUrl, webhookSecret: SECRET }),
    });
    const ic = service();
    const { id: contactId } = await ic.ensureContact({ appUserId: "u_1", email: "ada@example.com" });
    const conv = await ic.createConversation({ contactId, body: "Help", reference: "SUP-BBBB4444" });
    const c = raw();
    await c.conversations.manage({
      conversation_id: conv.id,
      body: { message_type: "close", type: "admin", admin_id: "991", body: "Fixed!" },
    } as never);
    await c.conversations.manage({
      conversation_id: conv.id,
      body: {
        message_type: "snoozed",
        type: "admin",
        admin_id: "991",
        snoozed_until: Math.floor(Date.now() / 1000) + 3600,
      },
    } as never);
    await c.conversations.manage({
      conversation_id: conv.id,
      body: { message_type: "open", type: "admin", admin_id: "991" },
    } as never);
    await sandbox.intercom.service.flushWebhooks();
    expect(received.map((r) => JSON.parse(r.body).topic)).toEqual([
      "conversation.admin.closed",
      "conversation.admin.snoozed",
      "conversation.admin.opened",
    ]);
    for (const r of received) {
      expect(verifyIntercomSignature(r.signature ?? null, r.body, SECRET)).toEqual({ ok: true });
      const n = JSON.parse(r.body);
      expect(n).toMatchObject({ type: "notification_event", data: { item: { type: "conversation", id: conv.id } } });
      expect(n.id).toMatch(/^notif_/);
    }
    expect(JSON.parse(received[0].body).data.item.state).toBe("closed");
    expect(sandbox.intercom.service.deliveries().every((d) => d.status === 200)).toBe(true);
    // A wrong admin is refused.
    const err = await c.conversations
      .manage({ conversation_id: conv.id, body: { message_type: "close", type: "admin", admin_id: "1" } } as never)
      .catch((e: unknown) => e);
    expect((err as IntercomError).statusCode).toBe(404);
  });

  it("sends admin-initiated messages (POST /messages) and finds them again by the reference in the body", async () => {
    const ic = service();
    const { id: contactId } = await ic.ensureContact({ appUserId: "u_1", email: "ada@example.com" });
    expect(await ic.findAdminMessage(contactId, "RCV-0123456789")).toBeUndefined();
    const sent = await ic.sendAdminEmail({
      contactId,
      subject: "Update your payment method",
      body: "Hello,\n\nPay here:\nhttps://example.com/pay?a=1&b=2\n\nReference: RCV-0123456789",
    });
    expect(sent.conversationId).toBeTruthy();
    const conv = sandbox.intercom.service.conversations.get(sent.conversationId!);
    expect(conv).toMatchObject({
      state: "open",
      source: {
        id: sent.messageId,
        delivered_as: "admin_initiated",
        subject: "Update your payment method",
        author: { type: "admin", id: "991" },
      },
      contacts: { contacts: [{ id: contactId }] },
      parts: [],
    });
    expect(conv!.source.body).toContain('<a href="https://example.com/pay?a=1&amp;b=2">');
    expect(await ic.findAdminMessage(contactId, "RCV-0123456789")).toEqual({
      messageId: sent.messageId,
      conversationId: sent.conversationId,
    });
    expect(await ic.findAdminMessage(contactId, "RCV-9999999999")).toBeUndefined();

    // The SDK's own call answers Intercom's message object; without create_conversation_without_contact_reply
    // no conversation is opened until the contact replies.
    const plain = await raw().messages.create({
      message_type: "email",
      subject: "Hi",
      body: "Hello there",
      template: "plain",
      from: { type: "admin", id: 991 },
      to: { type: "user", id: contactId },
    });
    expect(plain).toMatchObject({
      type: "admin_message",
      subject: "Hi",
      body: "Hello there",
      message_type: "email",
      conversation_id: null,
      owner: { type: "admin", id: "991" },
    });
    expect(sandbox.intercom.service.messages.size).toBe(2);
    expect(sandbox.intercom.service.conversations.size).toBe(1);

    // Refusals as error.list: another admin, an unknown contact, an email without subject or to a contact
    // without an email address.
    const refused = async (body: Record<string, unknown>) =>
      (
        (await raw()
          .messages.create({
            message_type: "email",
            subject: "Hi",
            body: "x",
            template: "plain",
            from: { type: "admin", id: 991 },
            to: { type: "user", id: contactId },
            ...body,
          } as never)
          .catch((e: unknown) => e)) as IntercomError
      ).statusCode;
    expect(await refused({ from: { type: "admin", id: 1 } })).toBe(404);
    expect(await refused({ to: { type: "user", id: "nope" } })).toBe(404);
    expect(await refused({ subject: undefined })).toBe(400);
    const lead = (await raw().contacts.create({ role: "lead" } as never)) as { id: string };
    expect(await refused({ to: { type: "lead", id: lead.id } })).toBe(400);
    expect(sandbox.intercom.service.messages.size).toBe(2);

    // Faults apply to /messages as to any route.
    sandbox.intercom.faults.add({ method: "POST", path: "/messages", status: 429 });
    const limited = await ic.sendAdminEmail({ contactId, subject: "S", body: "B" }).catch((e: unknown) => e);
    expect(limited).toMatchObject({ transient: true, status: 429 });
    sandbox.intercom.faults.add({ method: "POST", path: "/messages", kind: "reset", process: true });
    const lost = await ic
      .sendAdminEmail({ contactId, subject: "S", body: "Reference: RCV-LOST000000" })
      .catch((e: unknown) => e);
    expect(lost).toMatchObject({ transient: true, status: undefined });
    expect(sandbox.intercom.service.messages.size).toBe(3);
    expect(await ic.findAdminMessage(contactId, "RCV-LOST000000")).toBeTruthy();
  });

  it("dumps and restores its objects and counters", async () => {
    const ic = service();
    const { id: contactId } = await ic.ensureContact({ appUserId: "u_1", email: "ada@example.com" });
    const conv = await ic.createConversation({ contactId, body: "Help", reference: "SUP-CCCC5555" });
    const dump = JSON.parse(JSON.stringify(sandbox.intercom.service.dump()));
    sandbox.reset();
    expect(sandbox.intercom.service.conversations.size).toBe(0);
    sandbox.intercom.service.restore(dump);
    expect(await ic.findConversationByReference("SUP-CCCC5555")).toBe(conv.id);
    const next = await ic.createConversation({ contactId, body: "Again", reference: "SUP-DDDD6666" });
    expect(Number(next.id)).toBeGreaterThan(Number(conv.id));
    // Messages come back too, and new ones get new ids.
    const sent = await ic.sendAdminEmail({ contactId, subject: "S", body: "Reference: RCV-DUMP000000" });
    const withMessage = JSON.parse(JSON.stringify(sandbox.intercom.service.dump()));
    sandbox.reset();
    sandbox.intercom.service.restore(withMessage);
    expect(sandbox.intercom.service.messages.get(sent.messageId)).toMatchObject({
      conversation_id: sent.conversationId,
    });
    const later = await ic.sendAdminEmail({ contactId, subject: "S", body: "B" });
    expect(Number(later.messageId)).toBeGreaterThan(Number(sent.messageId));
    expect(() => sandbox.intercom.service.restore({ contacts: "nope" })).toThrow();
    // A file saved by the placeholder of earlier versions (`{}`) restores as empty.
    sandbox.intercom.service.restore({});
    expect(sandbox.intercom.service.conversations.size).toBe(0);
  });
});
