// GET /api/admin/replays and /api/admin/replays/:id: admin only (401 without credentials, 403 for a viewer's
// session), 404 for an unknown or malformed id, 400 for a bad query; the progress of a replay kept in the database.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { events } from "@/db/schema";
import { resetRateLimits } from "@/lib/auth/rate-limit";
import type { Actor } from "@/lib/auth/roles";
import { bulkReplay } from "@/lib/commands/replay";
import { adminToken, createRoleUsers, sessionHeaders } from "@/test/admin-route";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { GET as getOne } from "./[id]/route";
import { GET as list } from "./route";

let h: Harness;
let viewerId: string;
let adminId: string;
beforeAll(async () => {
  h = await startHarness();
  ({ viewer: viewerId, admin: adminId } = await createRoleUsers(h.db, ["viewer", "admin"]));
});
afterAll(() => h?.close());
beforeEach(async () => {
  await resetRateLimits();
});

const TOKEN = adminToken;

async function one(id: string, headers: Record<string, string> = TOKEN()) {
  const res = await getOne(new Request(`http://127.0.0.1:3000/api/admin/replays/${id}`, { headers }), {
    params: Promise.resolve({ id }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function many(query = "", headers: Record<string, string> = TOKEN()) {
  const res = await list(new Request(`http://127.0.0.1:3000/api/admin/replays${query}`, { headers }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** One failed signup, replayed with a hand-over that never happens (the starter died): the replay stays pending. */
async function pendingReplay() {
  const userId = uid("route");
  const e = appEvent("user.signed_up", { userId, email: `${userId}@example.com` });
  const [row] = await h.db
    .insert(events)
    .values({
      source: "app",
      externalId: e.id,
      type: e.type,
      rawBody: JSON.stringify(e),
      correlationId: uid("corr"),
      status: "failed",
      lastError: "sync-crm: hubspot 503",
    })
    .returning({ id: events.id });
  const actor: Actor = { id: adminId, email: "admin@example.com", role: "admin", via: "session" };
  return bulkReplay(h.db, actor, { ids: [row!.id] }, { enqueue: async () => ({ unsent: 1 }) });
}

describe("GET /api/admin/replays/:id", () => {
  it("refuses without credentials (401), a wrong token (401) and a viewer's session (403)", async () => {
    const { replayId } = await pendingReplay();
    expect((await one(replayId, {})).status).toBe(401);
    expect((await one(replayId, { authorization: "Bearer not-the-token-at-all-000000" })).status).toBe(401);
    const viewer = await one(replayId, await sessionHeaders(h.db, viewerId));
    expect(viewer.status).toBe(403);
    expect(viewer.body).not.toHaveProperty("total");
    expect((await many("", {})).status).toBe(401);
    expect((await many("", await sessionHeaders(h.db, viewerId))).status).toBe(403);
  });

  it("404 for an unknown or malformed id", async () => {
    const unknown = await one("00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain("No bulk replay");
    expect((await one("not-a-uuid")).status).toBe(404);
  });

  it("answers the progress from the database to the token and an admin's session, then finished once the sweep ran", async () => {
    const { replayId, eventIds } = await pendingReplay();
    const pending = await one(replayId);
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({
      id: replayId,
      status: "queued",
      total: 1,
      done: 0,
      succeeded: 0,
      failed: 0,
      pending: 1,
      failedIds: [],
      requestedBy: "admin@example.com",
      target: { ids: eventIds },
      finishedAt: null,
    });
    expect(typeof pending.body.queuedAt).toBe("string");
    const admin = await one(replayId, await sessionHeaders(h.db, adminId));
    expect(admin.status).toBe(200);
    const unfinished = await many("?status=unfinished");
    expect((unfinished.body.replays as { id: string }[]).map((r) => r.id)).toContain(replayId);

    await h.runner.sweep(0);
    await h.settle();
    expect((await one(replayId)).body).toMatchObject({ status: "finished", done: 1, succeeded: 1, pending: 0 });
    const after = await many("?status=unfinished");
    expect((after.body.replays as { id: string }[]).map((r) => r.id)).not.toContain(replayId);
    const recent = await many("?limit=5");
    expect((recent.body.replays as { id: string }[])[0]!.id).toBe(replayId);
  });

  it("400 naming the bad query parameter", async () => {
    const bad = await many("?limit=0");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain("limit");
    expect((await many("?status=maybe")).status).toBe(400);
    expect((await many("?other=1")).status).toBe(400);
  });
});
