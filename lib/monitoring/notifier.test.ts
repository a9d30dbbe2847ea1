// The notifier retries and never double-posts; its texts mask the customer's email and link the console page.
import http from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { alerts, customers, events } from "@/db/schema";
import { maskEmail } from "./mask";
import { minutesAgo, monitoringTestDb } from "./monitoring-fixture";
import { deliverNotifications } from "./notifier";

const fx = monitoringTestDb();
const { event, tick } = fx;

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
      deliverNotifications(fx.db, { url, minTimeoutMs: 10 }),
      deliverNotifications(fx.db, { url, minTimeoutMs: 10 }),
    ]);
    expect(results.reduce((s, r) => s + r.sent, 0)).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]).toContain("Events waiting for 9 minutes");
    expect((await deliverNotifications(fx.db, { url })).sent).toBe(0);
    await fx.db.update(events).set({ status: "succeeded" });
    await tick(now);
    await deliverNotifications(fx.db, { url });
    await deliverNotifications(fx.db, { url });
    expect(received).toHaveLength(2);
    expect(received[1]).toContain("Resolved: *Events waiting");
  });

  it("keeps a notification pending when the webhook keeps failing, and sends it later", async () => {
    const now = new Date();
    await event({ status: "received", at: minutesAgo(now, 9) });
    await tick(now);
    failures = 100;
    expect(await deliverNotifications(fx.db, { url, retries: 1, minTimeoutMs: 10 })).toEqual({
      sent: 0,
      failed: 1,
    });
    failures = 0;
    expect(await deliverNotifications(fx.db, { url })).toEqual({ sent: 1, failed: 0 });
    const [alert] = await fx.db.select().from(alerts);
    expect(alert!.notifyAttempts).toBe(2);
  });
});

describe("no customer email in alert texts", () => {
  it("posts a masked email and a link to the customer's console page, never the whole email", async () => {
    const received: string[] = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      received.push(JSON.parse(String(init.body)).text);
      return new Response("ok");
    }) as typeof fetch;
    const [customer] = await fx.db
      .insert(customers)
      .values({ appUserId: "user_42", email: "jane.doe@example.com" })
      .returning();
    // Recorded by an older version: the email in the title and the message.
    await fx.db.insert(alerts).values({
      kind: "billing",
      dedupeKey: "legacy:1",
      title: "Payment failed for jane.doe@example.com",
      message: "Write to jane.doe@example.com about invoice 7.",
      customerId: customer!.id,
    });
    expect(
      (
        await deliverNotifications(fx.db, {
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
});
