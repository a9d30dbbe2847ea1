// GET /api/admin/customers/:appUserId/data: admins and owners download one JSON file of what every system holds
// about the person (a viewer gets 403, nobody 401, an unknown person 404); a provider that fails is reported in
// the file, not as a 500; each download is audited.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog } from "@/db/schema";
import { resetRateLimits } from "@/lib/auth/rate-limit";
import * as control from "@/sandbox/client";
import { adminToken, createRoleUsers, jsonAnswer, sessionHeaders } from "@/test/admin-route";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import type { PersonDataExport } from "@/lib/erasure/export";
import { GET } from "./route";

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
  await control.clearFaults(h.sandbox.hubspot);
});

const cookie = (role: keyof typeof ids) => sessionHeaders(h.db, ids[role]);

async function download(appUserId: string, headers: Record<string, string> = token) {
  const req = new Request(`http://127.0.0.1:3000/api/admin/customers/${encodeURIComponent(appUserId)}/data`, {
    headers,
  });
  const res = await GET(req, { params: Promise.resolve({ appUserId: encodeURIComponent(appUserId) }) });
  return jsonAnswer<PersonDataExport & { error?: string }>(res);
}

async function signedUp() {
  const appUserId = uid("u");
  const email = `${appUserId}@example.com`;
  expect((await h.postApp(appEvent("user.signed_up", { userId: appUserId, email, name: "Grace Hopper" }))).status).toBe(
    200,
  );
  await h.settle();
  return { appUserId, email };
}

const exportsAudited = (appUserId: string) =>
  h.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.targetId, appUserId))
    .then((rows) => rows.filter((r) => r.action === "customer.data_exported"));

describe("GET /api/admin/customers/:appUserId/data", () => {
  it("refuses without credentials (401) and a viewer (403), exporting nothing", async () => {
    const p = await signedUp();
    expect((await download(p.appUserId, {})).status).toBe(401);
    const viewer = await download(p.appUserId, await cookie("viewer"));
    expect(viewer.status).toBe(403);
    expect(viewer.body.error).toMatch(/admin/);
    expect(await exportsAudited(p.appUserId)).toHaveLength(0);
  });

  it("gives an admin one JSON file with our records and each system, and audits it", async () => {
    const p = await signedUp();
    const res = await download(p.appUserId, await cookie("admin"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="${p.appUserId}-data-${new Date().toISOString().slice(0, 10)}.json"`,
    );
    expect(res.body.ourRecords.customer).toMatchObject({
      appUserId: p.appUserId,
      email: p.email,
      name: "Grace Hopper",
    });
    expect((res.body.ourRecords.events[0] as { payload: { data: unknown } }).payload.data).toMatchObject({
      userId: p.appUserId,
      email: p.email,
    });
    expect(res.body.hubspot).toMatchObject({ status: "included" });
    expect(JSON.stringify(res.body.hubspot)).toContain(p.email);
    expect(res.body.stripe).toMatchObject({ status: "not_linked" });
    const [entry] = await exportsAudited(p.appUserId);
    expect(entry).toMatchObject({ actorEmail: "admin@example.com", via: "session" });
    expect(entry?.details).toMatchObject({ systems: { hubspot: "included", stripe: "not_linked" } });
  });

  it("reports a provider that fails inside the file (200), for an owner and the API token alike", async () => {
    const p = await signedUp();
    await control.fault(h.sandbox.hubspot, { path: "/crm/v3/objects/contacts", status: 500, times: "always" });
    for (const headers of [await cookie("owner"), token]) {
      const res = await download(p.appUserId, headers);
      expect(res.status).toBe(200);
      expect(res.body.summary.hubspot).toBe("failed");
      expect(res.body.hubspot).toMatchObject({ error: expect.stringMatching(/HubSpot answered HTTP 500/) });
      expect(res.body.ourRecords.customer.email).toBe(p.email);
    }
    expect(await exportsAudited(p.appUserId)).toHaveLength(2);
  });

  it("answers 404 with the reason for an unknown person", async () => {
    const res = await download("nobody_here");
    expect(res.status).toBe(404);
    expect(res.body.error).toContain('"nobody_here"');
    expect(await exportsAudited("nobody_here")).toHaveLength(0);
  });
});
