// The app's sender against the real route over HTTP: signed, accepted, retried with the same event id.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { events } from "@/db/schema";
import { env } from "@/lib/env";
import { POST } from "@/app/api/webhooks/app/route";
import { startHarness, uid, type Harness } from "@/test/harness";
import { AppEventRejected, sendAppEvent } from "./send";

let h: Harness;
let server: http.Server;
let url: string;
let failNext = 0;

beforeAll(async () => {
  h = await startHarness();
  // A plain HTTP front for the route handler, that can fail the first requests with a 503.
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (failNext > 0) {
      failNext--;
      res.writeHead(503).end("{}");
      return;
    }
    const answer = await POST(
      new Request(`http://127.0.0.1${req.url}`, {
        method: "POST",
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks),
      }),
    );
    res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/webhooks/app`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await h?.close();
});

describe("sendAppEvent", () => {
  it("signs and delivers a support request, answering with its reference", async () => {
    const userId = uid("u");
    const res = await sendAppEvent(
      {
        type: "support.requested",
        data: { requestId: uid("req"), userId, email: `${userId}@example.com`, subject: "Help", message: "It broke" },
      },
      { url, secret: env.APP_WEBHOOK_SECRET },
    );
    expect(res.status).toBe(200);
    expect(res.body.reference).toMatch(/^SUP-/);
    await h.settle();
  });

  it("retries a 503 with the same event id, so the event is stored once", async () => {
    failNext = 2;
    const id = uid("evt");
    const userId = uid("u");
    const res = await sendAppEvent(
      { id, type: "user.signed_up", data: { userId, email: `${userId}@example.com` } },
      { url, secret: env.APP_WEBHOOK_SECRET, retries: 3 },
    );
    expect(res.status).toBe(200);
    expect(failNext).toBe(0);
    await h.settle();
    expect(await h.db.select().from(events).where(eq(events.externalId, id))).toHaveLength(1);
  });

  it("does not retry a refusal, and says why", async () => {
    const err = await sendAppEvent(
      { type: "user.signed_up", data: { userId: "u", email: "a@b.co" } },
      { url, secret: "a-wrong-secret-of-some-length", retries: 3 },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(AppEventRejected);
    expect((err as AppEventRejected).status).toBe(400);
    expect((err as AppEventRejected).message).toContain("does not match");
  });
});
