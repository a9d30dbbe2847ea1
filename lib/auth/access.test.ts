// The admin API gate: bearer token or session cookie, role checks, and removed users.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import { eq } from "drizzle-orm";
import { setDbHandle, type DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { users } from "@/db/schema";
import { apiActor, checkRole, secretsEqual, withApiActor, AccessError } from "./access";
import { createUser } from "@/db/queries/users";
import { env } from "../env";

let handle: DbHandle;
const ids: Record<string, string> = {};

beforeAll(async () => {
  handle = await createTestDb();
  setDbHandle(handle);
  for (const role of ["owner", "admin", "viewer"] as const) {
    const user = await createUser(handle.db, { email: `${role}@example.com`, password: "correct horse battery", role });
    ids[role] = user!.id;
  }
});
afterAll(async () => {
  setDbHandle(undefined);
  await handle?.close();
});

async function sessionCookie(uid: string, secret = env.AUTH_SECRET) {
  const token = await encode({ token: { sub: uid, uid }, secret, salt: "authjs.session-token" });
  return `authjs.session-token=${token}`;
}

const ok = async () => Response.json({ ok: true });

function request(headers: Record<string, string> = {}) {
  return new Request("http://127.0.0.1:3000/api/admin/events", { headers });
}

describe("admin API gate", () => {
  it("answers 401 JSON without credentials", async () => {
    const res = await withApiActor(request(), "viewer", ok);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Sign in required." });
  });

  it("answers 401 to a wrong bearer token and accepts ADMIN_API_TOKEN as admin", async () => {
    expect((await withApiActor(request({ authorization: "Bearer nope" }), "viewer", ok)).status).toBe(401);
    const actor = await apiActor(request({ authorization: `Bearer ${env.ADMIN_API_TOKEN}` }));
    expect(actor).toMatchObject({ role: "admin", via: "api-token" });
    expect((await withApiActor(request({ authorization: `Bearer ${env.ADMIN_API_TOKEN}` }), "admin", ok)).status).toBe(
      200,
    );
    expect((await withApiActor(request({ authorization: `Bearer ${env.ADMIN_API_TOKEN}` }), "owner", ok)).status).toBe(
      403,
    );
  });

  it("reads the console session cookie and applies the role", async () => {
    const viewer = request({ cookie: await sessionCookie(ids.viewer) });
    expect(await apiActor(viewer)).toMatchObject({ email: "viewer@example.com", role: "viewer", via: "session" });
    expect((await withApiActor(viewer, "viewer", ok)).status).toBe(200);
    const refused = await withApiActor(viewer, "admin", ok);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toContain("admin role");
    expect((await withApiActor(request({ cookie: await sessionCookie(ids.admin) }), "admin", ok)).status).toBe(200);
  });

  it("refuses a cookie signed with another secret", async () => {
    const forged = request({ cookie: await sessionCookie(ids.owner, "another-secret-another-secret-1234") });
    expect((await withApiActor(forged, "viewer", ok)).status).toBe(401);
  });

  it("refuses a removed user at once, even with a valid cookie", async () => {
    const gone = await createUser(handle.db, {
      email: "gone@example.com",
      password: "correct horse battery",
      role: "admin",
    });
    const cookie = await sessionCookie(gone!.id);
    expect((await withApiActor(request({ cookie }), "viewer", ok)).status).toBe(200);
    await handle.db.delete(users).where(eq(users.id, gone!.id));
    expect((await withApiActor(request({ cookie }), "viewer", ok)).status).toBe(401);
  });
});

describe("role checks for actions and pages", () => {
  it("throws 401 without an actor and 403 below the role", () => {
    expect(() => checkRole(null, "viewer")).toThrow(AccessError);
    const viewer = { id: "1", email: "v@example.com", role: "viewer" as const, via: "session" as const };
    expect(() => checkRole(viewer, "admin")).toThrowError(expect.objectContaining({ status: 403 }));
    expect(checkRole({ ...viewer, role: "owner" }, "admin").role).toBe("owner");
  });

  it("compares secrets in constant time and exactly", () => {
    expect(secretsEqual("abc", "abc")).toBe(true);
    expect(secretsEqual("abc", "abd")).toBe(false);
    expect(secretsEqual("abc", "abcd")).toBe(false);
  });
});
