// The digest is daily; retention redacts old payloads, step outputs, tickets' copies and resolved alerts'
// texts, and deletes old refused deliveries, keeping recent and open ones.
import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { alerts, events, eventSteps, rejectedDeliveries, supportTickets } from "@/db/schema";
import { latestDigest, listAlerts, REDACTED_ALERT_TITLE } from "@/db/queries/alerts";
import { recordDailyDigest } from "./digest";
import { minutesAgo, monitoringTestDb } from "./monitoring-fixture";
import { deliverNotifications } from "./notifier";
import { applyRetention, redactOldPayloads } from "./retention";

const fx = monitoringTestDb();
const { event, refuse } = fx;

describe("daily digest and retention", () => {
  it("records one digest a day while failures exist, after the digest hour", async () => {
    const day = new Date("2026-11-23T09:00:00Z");
    expect(await recordDailyDigest(fx.db, 8, day)).toBe(false);
    await event({ status: "failed", at: day, type: "invoice.paid" });
    await event({ status: "failed", at: day, type: "invoice.paid" });
    expect(await recordDailyDigest(fx.db, 8, new Date("2026-11-23T07:00:00Z"))).toBe(false);
    expect(await recordDailyDigest(fx.db, 8, day)).toBe(true);
    expect(await recordDailyDigest(fx.db, 8, new Date("2026-11-23T18:00:00Z"))).toBe(false);
    // A notification, not an alert: no alert row, nothing in the alerts list.
    expect(await fx.db.select().from(alerts)).toHaveLength(0);
    expect((await listAlerts(fx.db)).rows).toHaveLength(0);
    expect(await latestDigest(fx.db)).toMatchObject({
      day: "2026-11-23",
      title: "Daily digest: 2 sync failures to replay",
      message: "2 × invoice.paid",
      notifiedAt: null,
    });
    // Posted once, even by two workers; the next day's digest replaces it.
    const received: string[] = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      received.push(JSON.parse(String(init.body)).text);
      return new Response("ok");
    }) as typeof fetch;
    const opts = { url: "http://hook.test/", fetchImpl, consoleUrl: "https://ops.example.com" };
    await Promise.all([deliverNotifications(fx.db, opts), deliverNotifications(fx.db, opts)]);
    expect(received).toHaveLength(1);
    expect(received[0]).toContain("*Daily digest: 2 sync failures to replay*");
    expect(received[0]).toContain("<https://ops.example.com/events?status=failed|");
    expect(await recordDailyDigest(fx.db, 8, new Date("2026-11-24T09:00:00Z"))).toBe(true);
    expect((await latestDigest(fx.db))?.day).toBe("2026-11-24");
  });

  it("retries a digest whose post failed on the next delivery", async () => {
    const day = new Date("2026-11-23T09:00:00Z");
    await event({ status: "failed", at: day, type: "invoice.paid" });
    await recordDailyDigest(fx.db, 8, day);
    let fail = true;
    const fetchImpl = (async () => new Response("no", { status: fail ? 500 : 200 })) as unknown as typeof fetch;
    const opts = { url: "http://hook.test/", fetchImpl, retries: 0, minTimeoutMs: 1 };
    expect(await deliverNotifications(fx.db, opts)).toEqual({ sent: 0, failed: 1 });
    expect((await latestDigest(fx.db))?.notifiedAt).toBeNull();
    fail = false;
    expect(await deliverNotifications(fx.db, opts)).toEqual({ sent: 1, failed: 0 });
    expect((await latestDigest(fx.db))?.notifiedAt).not.toBeNull();
  });

  it("redacts payloads older than the retention period and keeps the rest of the event", async () => {
    const now = new Date();
    const old = await event({ status: "succeeded", at: minutesAgo(now, 31 * 24 * 60) });
    const fresh = await event({ status: "succeeded", at: minutesAgo(now, 60) });
    expect(await redactOldPayloads(fx.db, 30, now)).toBe(1);
    const [o] = await fx.db.select().from(events).where(eq(events.id, old.id));
    const [f] = await fx.db.select().from(events).where(eq(events.id, fresh.id));
    expect(o).toMatchObject({ rawBody: null, status: "succeeded", type: "user.signed_up" });
    expect(o!.redactedAt).not.toBeNull();
    expect(f!.rawBody).toBe("{}");
    expect(await redactOldPayloads(fx.db, 30, now)).toBe(0);
  });
});

describe("retention of every copy", () => {
  it("clears old step outputs, tickets' copies and resolved alerts' texts; keeps recent and open ones", async () => {
    await fx.db.delete(supportTickets);
    const now = new Date();
    const longAgo = minutesAgo(now, 31 * 24 * 60);
    const recently = minutesAgo(now, 60);
    const old = await event({ status: "succeeded", at: longAgo });
    const fresh = await event({ status: "succeeded", at: recently });
    const output = { customerId: "c", appUserId: "u", email: "jane@example.com", name: "Jane" };
    await fx.db.insert(eventSteps).values([
      { eventId: old.id, step: "resolve-identity", status: "succeeded", output },
      { eventId: fresh.id, step: "resolve-identity", status: "succeeded", output },
    ]);
    const ticket = (requestId: string, createdAt: Date) => ({
      reference: `SUP-${requestId}`,
      requestId,
      appUserId: "u",
      email: "jane@example.com",
      subject: "My card was charged twice",
      metadata: { platform: "ios", message: "Hello, I am Jane" },
      zendeskTicketId: 7,
      createdAt,
      updatedAt: createdAt,
    });
    await fx.db.insert(supportTickets).values([ticket("old", longAgo), ticket("fresh", recently)]);
    const alert = (dedupeKey: string, status: "open" | "resolved", resolvedAt: Date | null) => ({
      kind: "billing" as const,
      dedupeKey,
      status,
      title: "Payment failed for u",
      message: "Invoice 7 for €19.00 failed.",
      details: { invoice: "in_1" },
      openedAt: longAgo,
      resolvedAt,
    });
    await fx.db
      .insert(alerts)
      .values([
        alert("resolved-old", "resolved", longAgo),
        alert("resolved-fresh", "resolved", recently),
        alert("open-old", "open", null),
      ]);

    expect(await applyRetention(fx.db, 30, now)).toEqual({
      payloads: 1,
      stepOutputs: 1,
      tickets: 1,
      alerts: 1,
      rejectedDeliveries: 0,
    });

    const steps = await fx.db.select().from(eventSteps);
    expect(steps.find((s) => s.eventId === old.id)).toMatchObject({ output: null, status: "succeeded" });
    expect(steps.find((s) => s.eventId === fresh.id)!.output).toEqual(output);
    const [oldTicket] = await fx.db.select().from(supportTickets).where(eq(supportTickets.requestId, "old"));
    expect(oldTicket).toMatchObject({
      email: null,
      subject: null,
      metadata: null,
      reference: "SUP-old",
      appUserId: "u",
      zendeskTicketId: 7,
    });
    const [freshTicket] = await fx.db.select().from(supportTickets).where(eq(supportTickets.requestId, "fresh"));
    expect(freshTicket).toMatchObject({ email: "jane@example.com", subject: "My card was charged twice" });
    const byKey = Object.fromEntries((await fx.db.select().from(alerts)).map((a) => [a.dedupeKey, a]));
    expect(byKey["resolved-old"]).toMatchObject({
      title: REDACTED_ALERT_TITLE,
      message: null,
      details: null,
      status: "resolved",
      kind: "billing",
    });
    expect(byKey["resolved-fresh"]).toMatchObject({ title: "Payment failed for u", details: { invoice: "in_1" } });
    expect(byKey["open-old"]).toMatchObject({ title: "Payment failed for u", message: "Invoice 7 for €19.00 failed." });

    expect(await applyRetention(fx.db, 30, now)).toEqual({
      payloads: 0,
      stepOutputs: 0,
      tickets: 0,
      alerts: 0,
      rejectedDeliveries: 0,
    });
  });

  describe("refused deliveries", () => {
    beforeEach(() => fx.db.delete(rejectedDeliveries));

    it("retention deletes refused deliveries older than the period", async () => {
      const now = new Date();
      await refuse("stripe", "bad_signature", new Date(now.getTime() - 31 * 86_400_000));
      await refuse("stripe", "bad_signature", new Date(now.getTime() - 29 * 86_400_000));
      expect((await applyRetention(fx.db, 30, now)).rejectedDeliveries).toBe(1);
      expect(await fx.db.select().from(rejectedDeliveries)).toHaveLength(1);
    });
  });
});
