// POST /api/admin/customers/:appUserId/erase: owners only (admins, viewers and the API token get 403 with a
// message), the typed confirmation must name the person (400, nothing written), an unknown person 404; a good
// request answers 202 with the erasure, whose receipt (GET /api/admin/erasures/:id, and the list) completes.
import { count } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { erasures, events } from "@/db/schema";
import { resetRateLimits } from "@/lib/auth/rate-limit";
import { adminToken, createRoleUsers, jsonAnswer, sessionHeaders } from "@/test/admin-route";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { GET as listErasures } from "@/app/api/admin/erasures/route";
import { GET as getErasure } from "@/app/api/admin/erasures/[id]/route";
import { POST } from "./route";

let h: Harness;
let ids: Record<"viewer" | "admin" | "owner", string>;
const token = adminToken();

beforeAll(async () => {
  h = await startHarness();
  ids = await createRoleUsers(h.db, ["viewer", "admin", "owner"]);
}, 180_000); // a migrated PGlite clone, the sandboxes and three password hashes: slow on a busy machine
afterAll(() => h?.close());
beforeEach(async () => {
  await resetRateLimits();
});

const cookie = (role: keyof typeof ids) => sessionHeaders(h.db, ids[role]);

async function erase(appUserId: string, body: string, headers: Record<string, string>) {
  const req = new Request(`http://127.0.0.1:3000/api/admin/customers/${appUserId}/erase`, {
    method: "POST",
    body,
    headers: { ...headers, "content-type": "application/json" },
  });
  return jsonAnswer(await POST(req, { params: Promise.resolve({ appUserId }) }));
}

const receipt = async (id: string, query = "", headers: Record<string, string> = token) =>
  jsonAnswer(
    await getErasure(new Request(`http://127.0.0.1:3000/api/admin/erasures/${id}${query}`, { headers }), {
      params: Promise.resolve({ id }),
    }),
  );

const written = async () => ({
  erasures: (await h.db.select({ n: count() }).from(erasures))[0]!.n,
  events: (await h.db.select({ n: count() }).from(events))[0]!.n,
});

async function signedUp() {
  const appUserId = uid("u");
  const email = `${appUserId}@example.com`;
  expect((await h.postApp(appEvent("user.signed_up", { userId: appUserId, email, name: "Ada Lovelace" }))).status).toBe(
    200,
  );
  await h.settle();
  return { appUserId, email };
}

describe("POST /api/admin/customers/:appUserId/erase", () => {
  it("is for owners only: 401 without credentials, 403 with a message for viewer, admin and the API token", async () => {
    const p = await signedUp();
    const before = await written();
    const body = JSON.stringify({ confirm: p.appUserId });
    expect((await erase(p.appUserId, body, {})).status).toBe(401);
    for (const headers of [await cookie("viewer"), await cookie("admin"), token]) {
      const refused = await erase(p.appUserId, body, headers);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatch(/owner role/);
    }
    expect(await written()).toEqual(before);
  });

  it("answers 400 naming the problem when the body or the confirmation is wrong, 404 for an unknown person", async () => {
    const p = await signedUp();
    const owner = await cookie("owner");
    const before = await written();
    const notJson = await erase(p.appUserId, "confirm", owner);
    expect(notJson).toMatchObject({ status: 400, body: { error: expect.stringMatching(/not valid JSON/) } });
    const missing = await erase(p.appUserId, "{}", owner);
    expect(missing).toMatchObject({ status: 400, body: { error: expect.stringMatching(/confirm/) } });
    const extra = await erase(p.appUserId, JSON.stringify({ confirm: p.appUserId, force: true }), owner);
    expect(extra.status).toBe(400);
    const wrong = await erase(p.appUserId, JSON.stringify({ confirm: "yes" }), owner);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toContain(`type the app user id "${p.appUserId}"`);
    const unknown = await erase("nobody_here", JSON.stringify({ confirm: "nobody_here" }), owner);
    expect(unknown).toMatchObject({ status: 404, body: { error: expect.stringContaining('"nobody_here"') } });
    expect(await written()).toEqual(before);
  });

  it("starts the erasure for an owner (202), and its receipt completes with a line per system", async () => {
    const p = await signedUp();
    const started = await erase(
      p.appUserId,
      JSON.stringify({ confirm: p.email.toUpperCase(), reason: "Deletion request by email" }),
      await cookie("owner"),
    );
    expect(started.status).toBe(202);
    const erasureId = String(started.body.erasureId);
    expect(started.body).toMatchObject({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: `http://127.0.0.1:3000/erasures/${erasureId}`,
    });
    await h.settle();

    const r = await receipt(erasureId);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      erasureId,
      status: "completed",
      requestedBy: "owner@example.com",
      reason: "Deletion request by email",
    });
    const systems = r.body.systems as { system: string; status: string; at: string | null }[];
    expect(systems.map((s) => s.system)).toEqual(expect.arrayContaining(["hubspot", "stripe", "console"]));
    expect(systems.every((s) => s.status === "done" && s.at)).toBe(true);
    expect(JSON.stringify(r.body)).not.toContain(p.email);

    const file = await receipt(erasureId, "?download=1", await cookie("viewer"));
    expect(file.headers.get("content-disposition")).toBe(`attachment; filename="erasure-${erasureId}.json"`);

    const list = await jsonAnswer(
      await listErasures(new Request("http://127.0.0.1:3000/api/admin/erasures?perPage=5", { headers: token })),
    );
    expect(list.status).toBe(200);
    expect((list.body.rows as { erasureId: string }[]).map((row) => row.erasureId)).toContain(erasureId);

    const again = await erase(p.appUserId, JSON.stringify({ confirm: p.appUserId }), await cookie("owner"));
    expect(again.status).toBe(409);
  });

  it("answers 404 for an unknown erasure and 400 for a bad page", async () => {
    expect((await receipt("00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await receipt("not-a-uuid")).status).toBe(404);
    expect((await receipt("00000000-0000-4000-8000-000000000000", "", {})).status).toBe(401);
    const bad = await jsonAnswer(
      await listErasures(new Request("http://127.0.0.1:3000/api/admin/erasures?perPage=5000", { headers: token })),
    );
    expect(bad).toMatchObject({ status: 400, body: { error: expect.stringMatching(/perPage/) } });
  });
});
