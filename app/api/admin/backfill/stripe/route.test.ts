// POST /api/admin/backfill/stripe: admin only (401 without credentials, 403 for a viewer's session), an
// optional `since`, and the backfill's counts from the Stripe sandbox.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, syncCursors } from "@/db/schema";
import { resetRateLimits } from "@/lib/auth/rate-limit";
import * as control from "@/sandbox/client";
import { adminToken, createRoleUsers, sessionHeaders } from "@/test/admin-route";
import { type Harness, startHarness, stripeEvent, uid } from "@/test/harness";
import { POST } from "./route";

let h: Harness;
let viewerId: string;
beforeAll(async () => {
  h = await startHarness();
  ({ viewer: viewerId } = await createRoleUsers(h.db, ["viewer"]));
});
afterAll(() => h?.close());
beforeEach(async () => {
  await resetRateLimits();
  h.sandbox.reset();
  await h.db.delete(syncCursors);
});

async function post(body?: string, headers: Record<string, string> = adminToken()) {
  const res = await POST(
    new Request("http://127.0.0.1:3000/api/admin/backfill/stripe", {
      method: "POST",
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body,
    }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("POST /api/admin/backfill/stripe", () => {
  it("refuses without credentials (401) and a viewer's session (403), running nothing", async () => {
    expect((await post(undefined, {})).status).toBe(401);
    expect((await post("{}", { authorization: "Bearer not-the-token-at-all-000000" })).status).toBe(401);
    const viewer = await post("{}", await sessionHeaders(h.db, viewerId));
    expect(viewer.status).toBe(403);
    expect(await control.requests(h.sandbox.stripe, { path: "/v1/events" })).toEqual([]);
  });

  it("answers { fetched, stored, alreadyHad } for the admin token, with or without a since", async () => {
    const event = stripeEvent(
      "invoice.paid",
      { id: uid("in"), object: "invoice" },
      { created: Math.floor(Date.now() / 1000) - 60 },
    );
    await control.seed(h.sandbox.stripe, { ...event, object: "event" });
    const first = await post();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ fetched: 1, stored: 1, alreadyHad: 0, olderThanWindow: false });
    expect(Object.keys(first.body).sort()).toEqual(
      ["alreadyHad", "fetched", "message", "olderThanWindow", "since", "skipped", "stored", "until"].sort(),
    );
    const again = await post(JSON.stringify({ since: new Date(Date.now() - 86_400_000).toISOString() }));
    expect(again.body).toMatchObject({ fetched: 1, stored: 0, alreadyHad: 1 });
    const old = await post(JSON.stringify({ since: "2026-01-01" }));
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({ olderThanWindow: true, message: expect.stringContaining("adoption import") });
    await h.settle();
    const audited = await h.db.select().from(auditLog).where(eq(auditLog.action, "stripe.backfill"));
    expect(audited.length).toBeGreaterThanOrEqual(3);
    expect(audited[0]).toMatchObject({ via: "api-token" });
  });

  it("answers 400 for a bad since or body and 409 while a run is going", async () => {
    const bad = await post(JSON.stringify({ since: "last tuesday" }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain("since must be a date such as 2026-11-01");
    expect((await post(JSON.stringify({ from: "2026-11-01" }))).status).toBe(400);
    expect((await post("{nope")).status).toBe(400);
    const future = await post(JSON.stringify({ since: "2999-01-01" }));
    expect(future.status).toBe(400);
    expect(future.body.error).toContain("in the future");
    await h.db.insert(syncCursors).values({ name: "stripe-events", runningSince: new Date() });
    const busy = await post();
    expect(busy.status).toBe(409);
    expect(busy.body.error).toContain("already running");
  });
});
