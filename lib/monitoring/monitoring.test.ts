// Alert rules open once and resolve once on crafted data; the notifier retries and never double-posts;
// the digest is daily; retention redacts old payloads only.
import http from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { alerts, customers, events, eventSteps, opsState, rejectedDeliveries, supportTickets } from "@/db/schema";
import { latestDigest, listAlerts, REDACTED_ALERT_TITLE } from "@/db/queries/alerts";
import { parseEnv } from "@/lib/env";
import { applyRuleResults } from "./apply-rules";
import { recordDailyDigest } from "./digest";
import { deliverNotifications } from "./notifier";
import { maskEmail } from "./mask";
import { applyRetention, redactOldPayloads } from "./retention";
import { evaluateRules, type RuleId } from "./rules";

const thresholds = parseEnv({ NODE_ENV: "test" }).alertThresholds;
let handle: DbHandle;
let n = 0;

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle?.close());
beforeEach(async () => {
  await handle.db.delete(alerts);
  await handle.db.delete(events);
  await handle.db.delete(opsState);
});

const minutesAgo = (now: Date, m: number) => new Date(now.getTime() - m * 60_000);

async function event(o: {
  status: "received" | "processing" | "succeeded" | "failed";
  at: Date;
  type?: string;
  source?: "stripe" | "app";
}) {
  const [row] = await handle.db
    .insert(events)
    .values({
      source: o.source ?? "app",
      externalId: `e${n++}`,
      type: o.type ?? "user.signed_up",
      status: o.status,
      receivedAt: o.at,
      updatedAt: o.at,
      correlationId: "c",
      rawBody: "{}",
    })
    .returning();
  return row!;
}

async function tick(now: Date) {
  return applyRuleResults(handle.db, await evaluateRules(handle.db, thresholds, now), now);
}

const unresolved = async (rule: RuleId) =>
  (await handle.db.select().from(alerts).where(eq(alerts.rule, rule))).filter((a) => a.status !== "resolved");

describe("ops alert rules", () => {
  it("failed webhooks and failure rate: open once, stay one alert, resolve when the window passes", async () => {
    const now = new Date();
    for (let i = 0; i < 3; i++) await event({ status: "failed", at: minutesAgo(now, 2) });
    for (let i = 0; i < 10; i++) await event({ status: "succeeded", at: minutesAgo(now, 30) });
    expect((await tick(now)).opened).toEqual(expect.arrayContaining(["failed-webhooks", "failure-rate"]));
    expect((await tick(now)).opened).toEqual([]);
    expect(await unresolved("failed-webhooks")).toHaveLength(1);
    const later = new Date(now.getTime() + 15 * 60_000);
    const { resolved } = await tick(later);
    expect(resolved).toContain("failed-webhooks");
    expect(resolved).not.toContain("failure-rate"); // still 3 of 13 in the last hour
    expect(await unresolved("failed-webhooks")).toHaveLength(0);
    expect((await tick(new Date(now.getTime() + 2 * 3_600_000))).resolved).toContain("failure-rate");
  });

  it("backlog: events waiting longer than the threshold", async () => {
    const now = new Date();
    const waiting = await event({ status: "received", at: minutesAgo(now, 6) });
    expect((await tick(now)).opened).toContain("backlog");
    await handle.db.update(events).set({ status: "succeeded" }).where(eq(events.id, waiting.id));
    expect((await tick(now)).resolved).toContain("backlog");
  });

  it("payment → entitlement and → CRM delay p95 above 30 s", async () => {
    const now = new Date();
    for (let i = 0; i < 5; i++) {
      const e = await event({ status: "succeeded", at: minutesAgo(now, 10), source: "stripe", type: "invoice.paid" });
      await handle.db.insert(eventSteps).values([
        {
          eventId: e.id,
          step: "update-entitlement",
          status: "succeeded",
          startedAt: e.receivedAt,
          finishedAt: new Date(e.receivedAt.getTime() + 45_000),
        },
        {
          eventId: e.id,
          step: "sync-crm",
          status: "succeeded",
          startedAt: e.receivedAt,
          finishedAt: new Date(e.receivedAt.getTime() + 2_000),
        },
      ]);
    }
    const { opened } = await tick(now);
    expect(opened).toContain("payment-entitlement-delay");
    expect(opened).not.toContain("payment-crm-delay");
    const [alert] = await unresolved("payment-entitlement-delay");
    expect(alert!.title).toContain("45 s");
  });

  it("support failures: more than 3 in an hour", async () => {
    const now = new Date();
    for (let i = 0; i < 3; i++) await event({ status: "failed", at: minutesAgo(now, 20), type: "support.requested" });
    expect((await tick(now)).opened).not.toContain("support-failures");
    await event({ status: "failed", at: minutesAgo(now, 20), type: "support.requested" });
    expect((await tick(now)).opened).toContain("support-failures");
  });

  it("authentication errors name the service", async () => {
    const now = new Date();
    const e = await event({ status: "failed", at: minutesAgo(now, 1) });
    await handle.db.insert(eventSteps).values({
      eventId: e.id,
      step: "sync-crm",
      status: "failed",
      errorService: "hubspot",
      errorStatus: 401,
      lastError: "hubspot 401: Authentication credentials not found",
      updatedAt: now,
    });
    expect((await tick(now)).opened).toContain("auth-errors");
    const [alert] = await unresolved("auth-errors");
    expect(alert!.title).toBe("HubSpot refuses our credentials");
    expect(alert!.details).toMatchObject({ href: "/readiness" });
  });

  it("one cause, one alert: a revoked token's failures are folded under the credential alert", async () => {
    const now = new Date();
    // A failure rate opened before the token was found to be the cause…
    for (let i = 0; i < 5; i++) await event({ status: "failed", at: minutesAgo(now, 2) });
    expect((await tick(now)).opened).toEqual(expect.arrayContaining(["failure-rate", "failed-webhooks"]));
    // …then HubSpot refuses the token on one of them: one alert, the others resolved under it.
    const [e] = await handle.db.select().from(events).limit(1);
    await handle.db.insert(eventSteps).values({
      eventId: e!.id,
      step: "sync-crm",
      status: "failed",
      errorService: "hubspot",
      errorStatus: 401,
      updatedAt: now,
    });
    const later = new Date(now.getTime() + 60_000);
    const changes = await tick(later);
    expect(changes.opened).toEqual(["auth-errors"]);
    expect(changes.resolved).toEqual(expect.arrayContaining(["failure-rate", "failed-webhooks"]));
    const open = (await handle.db.select().from(alerts)).filter((a) => a.status !== "resolved");
    expect(open.map((a) => a.rule)).toEqual(["auth-errors"]);
    expect(open[0]!.message).toContain("Because of it: Webhook failure rate 100% over the last hour");
    // Ticks while the token stays revoked open nothing more.
    expect((await tick(new Date(later.getTime() + 60_000))).opened).toEqual([]);
  });

  it("a failure rate without a refused credential still opens its own alert with a link to its events", async () => {
    const now = new Date();
    for (let i = 0; i < 5; i++) await event({ status: "failed", at: minutesAgo(now, 2) });
    await tick(now);
    const [alert] = await unresolved("failure-rate");
    expect((alert!.details as { href: string }).href).toMatch(/^\/events\?status=failed&from=/);
  });

  it("opens a new alert when a rule fires again after resolving", async () => {
    const now = new Date();
    const w = await event({ status: "received", at: minutesAgo(now, 6) });
    await tick(now);
    await handle.db.update(events).set({ status: "succeeded" }).where(eq(events.id, w.id));
    await tick(now);
    await event({ status: "received", at: minutesAgo(now, 7) });
    expect((await tick(new Date(now.getTime() + 60_000))).opened).toContain("backlog");
    expect(await handle.db.select().from(alerts).where(eq(alerts.rule, "backlog"))).toHaveLength(2);
  });
});

describe("notifier", () => {
  let server: http.Server;
  let url: string;
  let received: string[] = [];
  let failures = 0;
  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      let body = "";
      for await (const c of req) body += c;
      if (failures > 0) {
        failures--;
        res.writeHead(500).end("no");
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
      received.push(JSON.parse(body).text);
      res.writeHead(200).end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => {
    received = [];
    failures = 0;
  });

  it("retries a failing webhook, posts open then resolve once each, even when two workers deliver at once", async () => {
    const now = new Date();
    await event({ status: "received", at: minutesAgo(now, 9) });
    await tick(now);
    failures = 2;
    const results = await Promise.all([
      deliverNotifications(handle.db, { url, minTimeoutMs: 10 }),
      deliverNotifications(handle.db, { url, minTimeoutMs: 10 }),
    ]);
    expect(results.reduce((s, r) => s + r.sent, 0)).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]).toContain("Events waiting for 9 minutes");
    expect((await deliverNotifications(handle.db, { url })).sent).toBe(0);
    await handle.db.update(events).set({ status: "succeeded" });
    await tick(now);
    await deliverNotifications(handle.db, { url });
    await deliverNotifications(handle.db, { url });
    expect(received).toHaveLength(2);
    expect(received[1]).toContain("Resolved: *Events waiting");
  });

  it("keeps a notification pending when the webhook keeps failing, and sends it later", async () => {
    const now = new Date();
    await event({ status: "received", at: minutesAgo(now, 9) });
    await tick(now);
    failures = 100;
    expect(await deliverNotifications(handle.db, { url, retries: 1, minTimeoutMs: 10 })).toEqual({
      sent: 0,
      failed: 1,
    });
    failures = 0;
    expect(await deliverNotifications(handle.db, { url })).toEqual({ sent: 1, failed: 0 });
    const [alert] = await handle.db.select().from(alerts);
    expect(alert!.notifyAttempts).toBe(2);
  });
});

describe("daily digest and retention", () => {
  it("records one digest a day while failures exist, after the digest hour", async () => {
    const day = new Date("2026-11-23T09:00:00Z");
    expect(await recordDailyDigest(handle.db, 8, day)).toBe(false);
    await event({ status: "failed", at: day, type: "invoice.paid" });
    await event({ status: "failed", at: day, type: "invoice.paid" });
    expect(await recordDailyDigest(handle.db, 8, new Date("2026-11-23T07:00:00Z"))).toBe(false);
    expect(await recordDailyDigest(handle.db, 8, day)).toBe(true);
    expect(await recordDailyDigest(handle.db, 8, new Date("2026-11-23T18:00:00Z"))).toBe(false);
    // A notification, not an alert: no alert row, nothing in the alerts list.
    expect(await handle.db.select().from(alerts)).toHaveLength(0);
    expect((await listAlerts(handle.db)).rows).toHaveLength(0);
    expect(await latestDigest(handle.db)).toMatchObject({
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
    await Promise.all([deliverNotifications(handle.db, opts), deliverNotifications(handle.db, opts)]);
    expect(received).toHaveLength(1);
    expect(received[0]).toContain("*Daily digest: 2 sync failures to replay*");
    expect(received[0]).toContain("<https://ops.example.com/events?status=failed|");
    expect(await recordDailyDigest(handle.db, 8, new Date("2026-11-24T09:00:00Z"))).toBe(true);
    expect((await latestDigest(handle.db))?.day).toBe("2026-11-24");
  });

  it("retries a digest whose post failed on the next delivery", async () => {
    const day = new Date("2026-11-23T09:00:00Z");
    await event({ status: "failed", at: day, type: "invoice.paid" });
    await recordDailyDigest(handle.db, 8, day);
    let fail = true;
    const fetchImpl = (async () => new Response("no", { status: fail ? 500 : 200 })) as unknown as typeof fetch;
    const opts = { url: "http://hook.test/", fetchImpl, retries: 0, minTimeoutMs: 1 };
    expect(await deliverNotifications(handle.db, opts)).toEqual({ sent: 0, failed: 1 });
    expect((await latestDigest(handle.db))?.notifiedAt).toBeNull();
    fail = false;
    expect(await deliverNotifications(handle.db, opts)).toEqual({ sent: 1, failed: 0 });
    expect((await latestDigest(handle.db))?.notifiedAt).not.toBeNull();
  });

  it("redacts payloads older than the retention period and keeps the rest of the event", async () => {
    const now = new Date();
    const old = await event({ status: "succeeded", at: minutesAgo(now, 31 * 24 * 60) });
    const fresh = await event({ status: "succeeded", at: minutesAgo(now, 60) });
    expect(await redactOldPayloads(handle.db, 30, now)).toBe(1);
    const [o] = await handle.db.select().from(events).where(eq(events.id, old.id));
    const [f] = await handle.db.select().from(events).where(eq(events.id, fresh.id));
    expect(o).toMatchObject({ rawBody: null, status: "succeeded", type: "user.signed_up" });
    expect(o!.redactedAt).not.toBeNull();
    expect(f!.rawBody).toBe("{}");
    expect(await redactOldPayloads(handle.db, 30, now)).toBe(0);
  });
});

describe("no customer email in alert texts, and retention of every copy", () => {
  it("posts a masked email and a link to the customer's console page, never the whole email", async () => {
    const received: string[] = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      received.push(JSON.parse(String(init.body)).text);
      return new Response("ok");
    }) as typeof fetch;
    const [customer] = await handle.db
      .insert(customers)
      .values({ appUserId: "user_42", email: "jane.doe@example.com" })
      .returning();
    // Recorded by an older version: the email in the title and the message.
    await handle.db.insert(alerts).values({
      kind: "billing",
      dedupeKey: "legacy:1",
      title: "Payment failed for jane.doe@example.com",
      message: "Write to jane.doe@example.com about invoice 7.",
      customerId: customer!.id,
    });
    expect(
      (
        await deliverNotifications(handle.db, {
          url: "http://hook.test/",
          fetchImpl,
          consoleUrl: "https://ops.example.com/",
        })
      ).sent,
    ).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]).not.toContain("jane.doe@example.com");
    expect(received[0]).toContain("*Payment failed for j***@example.com*");
    expect(received[0]).toContain("Write to j***@example.com about invoice 7.");
    expect(received[0]).toContain("<https://ops.example.com/customers/user_42|Open the customer in the console>");
    expect(maskEmail("a@b.example")).toBe("a***@b.example");
  });

  it("clears old step outputs, tickets' copies and resolved alerts' texts; keeps recent and open ones", async () => {
    await handle.db.delete(supportTickets);
    const now = new Date();
    const longAgo = minutesAgo(now, 31 * 24 * 60);
    const recently = minutesAgo(now, 60);
    const old = await event({ status: "succeeded", at: longAgo });
    const fresh = await event({ status: "succeeded", at: recently });
    const output = { customerId: "c", appUserId: "u", email: "jane@example.com", name: "Jane" };
    await handle.db.insert(eventSteps).values([
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
    await handle.db.insert(supportTickets).values([ticket("old", longAgo), ticket("fresh", recently)]);
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
    await handle.db
      .insert(alerts)
      .values([
        alert("resolved-old", "resolved", longAgo),
        alert("resolved-fresh", "resolved", recently),
        alert("open-old", "open", null),
      ]);

    expect(await applyRetention(handle.db, 30, now)).toEqual({
      payloads: 1,
      stepOutputs: 1,
      tickets: 1,
      alerts: 1,
      rejectedDeliveries: 0,
    });

    const steps = await handle.db.select().from(eventSteps);
    expect(steps.find((s) => s.eventId === old.id)).toMatchObject({ output: null, status: "succeeded" });
    expect(steps.find((s) => s.eventId === fresh.id)!.output).toEqual(output);
    const [oldTicket] = await handle.db.select().from(supportTickets).where(eq(supportTickets.requestId, "old"));
    expect(oldTicket).toMatchObject({
      email: null,
      subject: null,
      metadata: null,
      reference: "SUP-old",
      appUserId: "u",
      zendeskTicketId: 7,
    });
    const [freshTicket] = await handle.db.select().from(supportTickets).where(eq(supportTickets.requestId, "fresh"));
    expect(freshTicket).toMatchObject({ email: "jane@example.com", subject: "My card was charged twice" });
    const byKey = Object.fromEntries((await handle.db.select().from(alerts)).map((a) => [a.dedupeKey, a]));
    expect(byKey["resolved-old"]).toMatchObject({
      title: REDACTED_ALERT_TITLE,
      message: null,
      details: null,
      status: "resolved",
      kind: "billing",
    });
    expect(byKey["resolved-fresh"]).toMatchObject({ title: "Payment failed for u", details: { invoice: "in_1" } });
    expect(byKey["open-old"]).toMatchObject({ title: "Payment failed for u", message: "Invoice 7 for €19.00 failed." });

    expect(await applyRetention(handle.db, 30, now)).toEqual({
      payloads: 0,
      stepOutputs: 0,
      tickets: 0,
      alerts: 0,
      rejectedDeliveries: 0,
    });
  });
});

describe("refused signatures and Stripe silence", () => {
  beforeEach(() => handle.db.delete(rejectedDeliveries));

  const refuse = (route: "stripe" | "app", reason: string, at: Date, count = 1) =>
    handle.db.insert(rejectedDeliveries).values({ route, reason, status: 400, count, firstAt: at, lastAt: at });

  it("signature failures: 5 in 10 minutes on a route open its alert naming the secret; it resolves when they stop", async () => {
    const now = new Date();
    for (let i = 0; i < 4; i++) await refuse("stripe", "bad_signature", minutesAgo(now, 2));
    await refuse("stripe", "malformed_body", minutesAgo(now, 1)); // not a signature failure
    await refuse("app", "future_timestamp", minutesAgo(now, 1), 20); // another route: its own alert
    expect((await tick(now)).opened).toEqual(["app-signature-failures"]);
    await refuse("stripe", "stale_timestamp", minutesAgo(now, 1));
    expect((await tick(now)).opened).toEqual(["stripe-signature-failures"]);
    const [alert] = await unresolved("stripe-signature-failures");
    expect(alert!.title).toBe("Stripe webhooks are being refused: the webhook secret is probably wrong");
    expect(alert!.message).toContain(
      "copy it from Stripe (Developers → Webhooks → Signing secret) into STRIPE_WEBHOOK_SECRET and restart",
    );
    expect((await unresolved("app-signature-failures"))[0]!.message).toContain("APP_WEBHOOK_SECRET");
    expect((await tick(now)).opened).toEqual([]);
    const { resolved } = await tick(new Date(now.getTime() + 11 * 60_000));
    expect(resolved).toEqual(expect.arrayContaining(["stripe-signature-failures", "app-signature-failures"]));
    expect(await unresolved("stripe-signature-failures")).toHaveLength(0);
  });

  it("Stripe silence: no Stripe webhook for STRIPE_SILENCE_HOURS after earlier ones opens an alert; a new one resolves it", async () => {
    const now = new Date();
    expect((await tick(now)).opened).not.toContain("stripe-silence"); // never any Stripe event: nothing to miss
    await event({ status: "succeeded", source: "stripe", type: "invoice.paid", at: minutesAgo(now, 25 * 60) });
    await event({ status: "succeeded", source: "app", at: minutesAgo(now, 5) }); // app events do not count
    expect(thresholds.stripeSilenceHours).toBe(24);
    expect((await tick(now)).opened).toContain("stripe-silence");
    expect((await unresolved("stripe-silence"))[0]!.message).toContain("STRIPE_SILENCE_HOURS=24");
    expect(
      (
        await applyRuleResults(
          handle.db,
          await evaluateRules(handle.db, { ...thresholds, stripeSilenceHours: 0 }, now),
          now,
        )
      ).resolved,
    ).toContain("stripe-silence"); // 0 turns it off
    const later = new Date(now.getTime() + 60_000);
    expect((await tick(later)).opened).toContain("stripe-silence");
    await event({ status: "succeeded", source: "stripe", type: "invoice.paid", at: minutesAgo(now, 1) });
    expect((await tick(later)).resolved).toContain("stripe-silence");
  });

  it("retention deletes refused deliveries older than the period", async () => {
    const now = new Date();
    await refuse("stripe", "bad_signature", new Date(now.getTime() - 31 * 86_400_000));
    await refuse("stripe", "bad_signature", new Date(now.getTime() - 29 * 86_400_000));
    expect((await applyRetention(handle.db, 30, now)).rejectedDeliveries).toBe(1);
    expect(await handle.db.select().from(rejectedDeliveries)).toHaveLength(1);
  });
});
