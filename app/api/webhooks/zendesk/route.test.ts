// POST /api/webhooks/zendesk through the real route, PGlite and the sandboxes: a ticket's status comes back
// from Zendesk to our ticket and to the app (support.updated), once per delivery id, never older over newer;
// refusals are 4xx with nothing stored; the sandbox's own signed webhooks reach the route end to end.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import zendeskSdk from "node-zendesk";
import { events, eventSteps, identities, rejectedDeliveries, supportTickets } from "@/db/schema";
import { env } from "@/lib/env";
import { flushRejections } from "@/lib/ingest/rejections";
import * as control from "@/sandbox/client";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { postZendesk, zendeskStatusEvent } from "@/test/zendesk-webhook";
import { POST } from "./route";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(async () => {
  h.sandbox.reset();
  // The sandbox restarts its ids at each reset; links and tickets from earlier tests would own the reused ids.
  await h.db.delete(identities).where(eq(identities.system, "zendesk"));
  await h.db.update(supportTickets).set({ zendeskTicketId: null });
});

/** A signed-up app user with one support request, its ticket made in the Zendesk sandbox. */
async function ticketFor(subject = "Restore fails") {
  const userId = uid("u");
  const email = `${userId}@example.com`;
  expect((await h.postApp(appEvent("user.signed_up", { userId, email, name: "Ada" }))).status).toBe(200);
  const requestId = uid("req");
  const res = await h.postApp(
    appEvent("support.requested", { requestId, userId, email, subject, message: "Tapping restore does nothing." }),
  );
  expect(res.status).toBe(200);
  await h.settle();
  const [row] = await h.db.select().from(supportTickets).where(eq(supportTickets.requestId, requestId));
  expect(row?.zendeskTicketId).toBeTruthy();
  return { userId, reference: row!.reference, zendeskTicketId: row!.zendeskTicketId!, requestId };
}

const ticketRow = async (reference: string) =>
  (await h.db.select().from(supportTickets).where(eq(supportTickets.reference, reference)))[0]!;
const zendeskEvents = (externalId?: string) =>
  h.db
    .select()
    .from(events)
    .where(
      externalId ? and(eq(events.source, "zendesk"), eq(events.externalId, externalId)) : eq(events.source, "zendesk"),
    );
const stepOf = async (eventId: string, step: string) =>
  (
    await h.db
      .select()
      .from(eventSteps)
      .where(and(eq(eventSteps.eventId, eventId), eq(eventSteps.step, step)))
  )[0];
const supportCallbacks = (reference: string) =>
  h.sandbox.app.service
    .received()
    .filter(
      (c) =>
        c.type === "support.updated" && (c.data as { ticket: { reference: string } }).ticket.reference === reference,
    );

describe("POST /api/webhooks/zendesk", () => {
  it("a status change updates our ticket and tells the app (support.updated)", async () => {
    const t = await ticketFor();
    expect((await ticketRow(t.reference)).status).toBe("open");
    const event = zendeskStatusEvent(t.zendeskTicketId, "PENDING", { previous: "OPEN" });
    const res = await postZendesk(event);
    expect(res).toMatchObject({ status: 200, body: { received: true } });
    await h.settle();
    const row = await ticketRow(t.reference);
    expect(row.status).toBe("pending");
    expect(row.statusChangedAt?.toISOString()).toBe(new Date(event.time).toISOString());
    const [stored] = await zendeskEvents(event.id);
    expect(stored).toMatchObject({ type: "ticket.status_changed", status: "succeeded" });
    expect(stored!.occurredAt?.toISOString()).toBe(new Date(event.time).toISOString());
    expect(await stepOf(stored!.id, "update-ticket-status")).toMatchObject({ status: "succeeded" });
    const callbacks = supportCallbacks(t.reference);
    expect(callbacks.at(-1)).toMatchObject({
      type: "support.updated",
      data: { appUserId: t.userId, ticket: { reference: t.reference, status: "pending" } },
    });
  });

  it("a duplicate delivery answers 200 duplicate and is processed once", async () => {
    const t = await ticketFor();
    const event = zendeskStatusEvent(t.zendeskTicketId, "SOLVED");
    expect((await postZendesk(event)).status).toBe(200);
    await h.settle();
    const before = supportCallbacks(t.reference).length;
    for (let i = 0; i < 3; i++) {
      const again = await postZendesk(event);
      expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    }
    await h.settle();
    expect(await zendeskEvents(event.id)).toHaveLength(1);
    expect(supportCallbacks(t.reference)).toHaveLength(before);
    const solved = supportCallbacks(t.reference).filter(
      (c) => (c.data as { ticket: { status: string } }).ticket.status === "solved",
    );
    expect(solved).toHaveLength(1);
    expect(solved[0]!.deliveries).toBe(1);
    expect((await ticketRow(t.reference)).status).toBe("solved");
  });

  it("out of order: an older status delivered after a newer one never overwrites it", async () => {
    const t = await ticketFor();
    const now = Date.now();
    const newer = zendeskStatusEvent(t.zendeskTicketId, "OPEN", {
      time: new Date(now).toISOString(),
      previous: "SOLVED",
    });
    const older = zendeskStatusEvent(t.zendeskTicketId, "SOLVED", {
      time: new Date(now - 60_000).toISOString(),
      previous: "OPEN",
    });
    expect((await postZendesk(newer)).status).toBe(200);
    await h.settle();
    const callbacks = supportCallbacks(t.reference).length;
    expect((await postZendesk(older)).status).toBe(200);
    await h.settle();
    const row = await ticketRow(t.reference);
    expect(row.status).toBe("open");
    expect(row.statusChangedAt?.toISOString()).toBe(new Date(now).toISOString());
    const [stale] = await zendeskEvents(older.id);
    expect(stale!.status).toBe("succeeded");
    expect((await stepOf(stale!.id, "update-ticket-status"))?.output).toMatchObject({
      changed: false,
      reason: "a newer status was already applied",
    });
    expect(supportCallbacks(t.reference)).toHaveLength(callbacks);
  });

  it("maps Zendesk's statuses to ours: HOLD → on_hold, CLOSED → closed", async () => {
    const t = await ticketFor();
    const now = Date.now();
    await postZendesk(zendeskStatusEvent(t.zendeskTicketId, "HOLD", { time: new Date(now - 1000).toISOString() }));
    await h.settle();
    expect((await ticketRow(t.reference)).status).toBe("on_hold");
    await postZendesk(zendeskStatusEvent(t.zendeskTicketId, "CLOSED", { time: new Date(now).toISOString() }));
    await h.settle();
    expect((await ticketRow(t.reference)).status).toBe("closed");
  });

  it("a ticket the console did not make: the step is skipped with the reason", async () => {
    const event = zendeskStatusEvent(987654, "SOLVED");
    expect((await postZendesk(event)).status).toBe(200);
    await h.settle();
    const [stored] = await zendeskEvents(event.id);
    expect(stored!.status).toBe("succeeded");
    const step = await stepOf(stored!.id, "update-ticket-status");
    expect(step).toMatchObject({ status: "skipped" });
    expect(step!.output).toMatchObject({ reason: expect.stringContaining("not a ticket the console made") });
  });

  it("another Zendesk event type is stored, marked ignored, and answered 200", async () => {
    const event = { ...zendeskStatusEvent(1, "OPEN"), type: "zen:event-type:ticket.priority_changed" };
    const res = await postZendesk(event);
    expect(res).toMatchObject({ status: 200, body: { ignored: true } });
    const [stored] = await zendeskEvents(event.id);
    expect(stored).toMatchObject({ type: "ticket.priority_changed", status: "ignored" });
  });

  describe("refusals: 4xx with a clear error, recorded, nothing stored", () => {
    const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
    const event = () => zendeskStatusEvent(4242, "SOLVED");
    it.each([
      ["missing_signature", 400, () => postZendesk(event(), { signature: null })],
      ["missing_signature", 400, () => postZendesk(event(), { timestamp: null, signature: "c2ln" })],
      ["bad_signature", 400, () => postZendesk(event(), { secret: "not_the_right_secret_0123" })],
      ["stale_timestamp", 400, () => postZendesk(event(), { timestamp: iso(Date.now() - 301_000) })],
      ["future_timestamp", 400, () => postZendesk(event(), { timestamp: iso(Date.now() + 301_000) })],
      ["malformed_signature", 400, () => postZendesk(event(), { timestamp: "last tuesday" })],
      ["malformed_body", 400, () => postZendesk({}, { body: "{not json" })],
      [
        "invalid_event",
        400,
        () => postZendesk({ ...event(), event: { current: "ESCALATED", previous: "OPEN" } }),
        "event.current",
      ],
      ["invalid_event", 400, () => postZendesk({ ...event(), time: "yesterday" }), "time"],
      ["invalid_event", 400, () => postZendesk({ ...event(), detail: { id: "abc" } }), "detail.id"],
      ["invalid_event", 400, () => postZendesk({ ...event(), type: "ticket.status_changed" }), "type"],
      ["too_large", 413, () => postZendesk({ ...event(), padding: "x".repeat(300 * 1024) })],
    ] as const)("%s → %i", async (code, status, send, names?: string) => {
      await h.db.delete(rejectedDeliveries);
      const before = (await zendeskEvents()).length;
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ code, error: expect.any(String) });
      if (names) expect(String(res.body.error)).toContain(names);
      expect(await zendeskEvents()).toHaveLength(before);
      await flushRejections();
      const rows = await h.db.select().from(rejectedDeliveries).where(eq(rejectedDeliveries.route, "zendesk"));
      expect(rows.map((r) => r.reason)).toContain(code);
    });
  });

  it("end to end: an agent's status change in the Zendesk sandbox reaches the route and the app", async () => {
    const t = await ticketFor("Sync stuck");
    // Zendesk → this console: a small server in front of the real route.
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const answer = await POST(
        new Request(`http://127.0.0.1${req.url}`, { method: "POST", headers, body: Buffer.concat(chunks) }),
      );
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(await answer.text());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await control.configure(h.sandbox.zendesk, {
        webhookUrl: `http://127.0.0.1:${port}/api/webhooks/zendesk`,
        webhookSecret: env.ZENDESK_WEBHOOK_SECRET,
      });
      const agent = zendeskSdk.createClient({
        username: env.ZENDESK_EMAIL,
        token: env.ZENDESK_API_TOKEN,
        endpointUri: `${h.sandbox.zendesk.url}/api/v2`,
      } as never);
      await agent.tickets.update(t.zendeskTicketId, {
        ticket: { status: "pending", comment: { body: "Could you send a screenshot?", public: true } },
      } as never);
      await h.sandbox.zendesk.service.flushWebhooks();
      await h.settle();
      expect(h.sandbox.zendesk.service.deliveries()).toEqual([
        expect.objectContaining({ ticketId: t.zendeskTicketId, status: 200 }),
      ]);
      expect((await ticketRow(t.reference)).status).toBe("pending");
      expect(supportCallbacks(t.reference).at(-1)).toMatchObject({
        data: { ticket: { reference: t.reference, status: "pending" } },
      });
      h.sandbox.zendesk.service.setStatus(t.zendeskTicketId, "solved");
      await h.sandbox.zendesk.service.flushWebhooks();
      await h.settle();
      expect((await ticketRow(t.reference)).status).toBe("solved");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
