// "Erase this person" from the console or the admin API: one transaction writes the user.deleted event, its
// erasure and the audit entry, then the pipeline erases; refusals write nothing.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, customers, erasures, events } from "@/db/schema";
import { getErasure } from "@/db/queries/erasures";
import type { Actor } from "@/lib/auth/roles";
import { parseAppEvent } from "@/lib/ingest/app-schemas";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { startErasure } from "./erase";

let h: Harness;
const owner: Actor = { id: null, email: "owner@example.com", role: "owner", via: "session" };
const admin: Actor = { ...owner, email: "admin@example.com", role: "admin" };

beforeAll(async () => {
  h = await startHarness({ retries: 0 });
});
afterAll(() => h?.close());

async function signUp() {
  const userId = uid("u");
  expect((await h.postApp(appEvent("user.signed_up", { userId, email: `${userId}@example.com` }))).status).toBe(200);
  await h.settle();
  return userId;
}

const counts = async () => ({
  events: (await h.db.select().from(events)).length,
  erasures: (await h.db.select().from(erasures)).length,
  audit: (await h.db.select().from(auditLog)).length,
});

describe("startErasure", () => {
  it("writes a valid user.deleted event, its erasure and the audit entry; the pipeline completes it", async () => {
    const userId = await signUp();
    const r = await startErasure(h.db, {
      appUserId: userId,
      requestedBy: owner.email,
      reason: "GDPR request",
      actor: owner,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [event] = await h.db.select().from(events).where(eq(events.id, r.eventId));
    expect(event).toMatchObject({ source: "app", type: "user.deleted" });
    expect(event!.externalId).toMatch(/^console-erasure:[0-9a-f-]{36}$/);
    const [audit] = await h.db.select().from(auditLog).where(eq(auditLog.targetId, r.erasureId));
    expect(audit).toMatchObject({
      action: "customer.erasure_requested",
      actorEmail: owner.email,
      targetType: "erasure",
    });
    await h.settle();
    const view = (await getErasure(h.db, r.erasureId))!;
    expect(view.status).toBe("completed");
    expect(view.erasure).toMatchObject({ requestedBy: owner.email, eventId: r.eventId });
    // What the console wrote is a body the app's own route accepts (then rewritten to name only the tombstone).
    const [after] = await h.db.select().from(events).where(eq(events.id, r.eventId));
    expect(parseAppEvent(JSON.parse(after!.rawBody!)).ok).toBe(true);
    const [tomb] = await h.db.select().from(customers).where(eq(customers.id, view.erasure.customerId!));
    expect(tomb).toMatchObject({ email: null, erasedBy: owner.email });

    // The same person again: refused, nothing written.
    const before = await counts();
    const again = await startErasure(h.db, { appUserId: userId, requestedBy: owner.email, actor: owner });
    expect(again).toMatchObject({ ok: false, status: 409 });
    expect(!again.ok && again.error).toMatch(/already erased/);
    expect(await counts()).toEqual(before);
  });

  it("a second request while the first runs is refused as under way", async () => {
    const userId = await signUp();
    const [first, second] = await Promise.all([
      startErasure(h.db, { appUserId: userId, requestedBy: owner.email, actor: owner }),
      startErasure(h.db, { appUserId: userId, requestedBy: owner.email, actor: owner }),
    ]);
    const answers = [first, second];
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    const refused = answers.find((a) => !a.ok);
    expect(refused).toMatchObject({ ok: false, status: 409 });
    await h.settle();
  });

  it("refuses an unknown user (404), a non-owner (403) and bad input (400), writing nothing", async () => {
    const userId = await signUp();
    const before = await counts();
    expect(
      await startErasure(h.db, { appUserId: uid("nobody"), requestedBy: owner.email, actor: owner }),
    ).toMatchObject({
      ok: false,
      status: 404,
    });
    expect(await startErasure(h.db, { appUserId: userId, requestedBy: admin.email, actor: admin })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await startErasure(h.db, { appUserId: "  ", requestedBy: owner.email, actor: owner })).toMatchObject({
      ok: false,
      status: 400,
      field: "appUserId",
    });
    expect(
      await startErasure(h.db, { appUserId: userId, requestedBy: owner.email, reason: "x".repeat(501), actor: owner }),
    ).toMatchObject({ ok: false, status: 400, field: "reason" });
    expect(await counts()).toEqual(before);
    const [customer] = await h.db.select().from(customers).where(eq(customers.appUserId, userId));
    expect(customer!.erasedAt).toBeNull();
  });
});
