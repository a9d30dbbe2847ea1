// Alert rules open once and resolve once on crafted data: failures, backlog, delays, support failures,
// credentials, refused signatures and Stripe silence.
import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { alerts, events, eventSteps, rejectedDeliveries } from "@/db/schema";
import { applyRuleResults } from "./apply-rules";
import { minutesAgo, thresholds, monitoringTestDb } from "./monitoring-fixture";
import { evaluateRules } from "./rules";

const fx = monitoringTestDb();
const { event, tick, unresolved, refuse } = fx;

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
    await fx.db.update(events).set({ status: "succeeded" }).where(eq(events.id, waiting.id));
    expect((await tick(now)).resolved).toContain("backlog");
  });

  it("payment → entitlement and → CRM delay p95 above 30 s", async () => {
    const now = new Date();
    for (let i = 0; i < 5; i++) {
      const e = await event({ status: "succeeded", at: minutesAgo(now, 10), source: "stripe", type: "invoice.paid" });
      await fx.db.insert(eventSteps).values([
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
    await fx.db.insert(eventSteps).values({
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
    const [e] = await fx.db.select().from(events).limit(1);
    await fx.db.insert(eventSteps).values({
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
    const open = (await fx.db.select().from(alerts)).filter((a) => a.status !== "resolved");
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
    await fx.db.update(events).set({ status: "succeeded" }).where(eq(events.id, w.id));
    await tick(now);
    await event({ status: "received", at: minutesAgo(now, 7) });
    expect((await tick(new Date(now.getTime() + 60_000))).opened).toContain("backlog");
    expect(await fx.db.select().from(alerts).where(eq(alerts.rule, "backlog"))).toHaveLength(2);
  });
});

describe("refused signatures and Stripe silence", () => {
  beforeEach(() => fx.db.delete(rejectedDeliveries));

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
      (await applyRuleResults(fx.db, await evaluateRules(fx.db, { ...thresholds, stripeSilenceHours: 0 }, now), now))
        .resolved,
    ).toContain("stripe-silence"); // 0 turns it off
    const later = new Date(now.getTime() + 60_000);
    expect((await tick(later)).opened).toContain("stripe-silence");
    await event({ status: "succeeded", source: "stripe", type: "invoice.paid", at: minutesAgo(now, 1) });
    expect((await tick(later)).resolved).toContain("stripe-silence");
  });
});
