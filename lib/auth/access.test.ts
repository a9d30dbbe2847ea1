// The admin API gate: bearer token or session cookie, role checks, and removed users.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import { eq } from "drizzle-orm";
import { setDbHandle, type DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { userSessions, users } from "@/db/schema";
import {
  apiActor,
  actorFromSession,
  checkRole,
  pageRedirect,
  secretsEqual,
  withApiActor,
  AccessError,
  MAX_ADMIN_BODY_BYTES,
  readJsonBody,
} from "./access";
import { createUser, setUserPassword } from "@/db/queries/users";
import { createUserSession, endSession } from "@/db/queries/user-sessions";
import { env, resetEnvCache } from "../env";
import { resetRateLimits } from "./rate-limit";

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

/** A session cookie of a real session row (as sign-in makes one); `sid: null` mints one issued before sessions. */
async function sessionCookie(
  uid: string,
  secret = env.AUTH_SECRET,
  name = "authjs.session-token",
  sid: string | null | undefined = undefined,
) {
  const id = sid === undefined ? (await createUserSession(handle.db, { userId: uid })).id : sid;
  const token = await encode({ token: id ? { sub: uid, uid, sid: id } : { sub: uid, uid }, secret, salt: name });
  return `${name}=${token}`;
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

describe("server-side sessions", () => {
  it("refuses a JWT without a session id (issued before sessions were recorded)", async () => {
    const old = request({ cookie: await sessionCookie(ids.admin, env.AUTH_SECRET, "authjs.session-token", null) });
    expect(await apiActor(old)).toBeNull();
    expect((await withApiActor(old, "viewer", ok)).status).toBe(401);
  });

  it("stops a copied cookie at once when its session ends (sign-out)", async () => {
    const session = await createUserSession(handle.db, { userId: ids.admin });
    const cookie = await sessionCookie(ids.admin, env.AUTH_SECRET, "authjs.session-token", session.id);
    expect((await withApiActor(request({ cookie }), "viewer", ok)).status).toBe(200);
    expect(await endSession(handle.db, session.id, "signed out")).toBe(true);
    expect((await withApiActor(request({ cookie }), "viewer", ok)).status).toBe(401);
  });

  it("refuses another user's session id", async () => {
    const viewers = await createUserSession(handle.db, { userId: ids.viewer });
    expect(await actorFromSession(ids.admin, viewers.id)).toBeNull();
    expect(await actorFromSession(ids.viewer, viewers.id)).toMatchObject({ id: ids.viewer, sessionId: viewers.id });
  });

  it("records activity at most once a minute", async () => {
    const session = await createUserSession(handle.db, { userId: ids.viewer });
    const lastSeen = async () =>
      (await handle.db.select().from(userSessions).where(eq(userSessions.id, session.id)))[0]!.lastSeenAt.getTime();
    const created = await lastSeen();
    await actorFromSession(ids.viewer, session.id);
    expect(await lastSeen()).toBe(created); // within the minute: no write
    const old = new Date(Date.now() - 5 * 60_000);
    await handle.db.update(userSessions).set({ lastSeenAt: old }).where(eq(userSessions.id, session.id));
    await actorFromSession(ids.viewer, session.id);
    expect(await lastSeen()).toBeGreaterThan(old.getTime());
  });

  it("answers 403 to a user with a temporary password on the admin API, and sends their pages to Account", async () => {
    const temp = await createUser(handle.db, {
      email: "temp@example.com",
      password: "correct horse battery",
      role: "admin",
    });
    await setUserPassword(handle.db, temp!.id, "temporary-password-1", true);
    const cookie = await sessionCookie(temp!.id);
    const res = await withApiActor(request({ cookie }), "viewer", ok);
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatch(/^Change your temporary password first/);
    const actor = await apiActor(request({ cookie }));
    expect(actor?.mustChangePassword).toBe(true);
    expect(pageRedirect(actor, "viewer", "/events?status=failed")).toBe("/account");
    expect(pageRedirect(actor, "viewer", "/account")).toBeNull();
    expect(pageRedirect(actor, "viewer", "/", { allowTemporaryPassword: true })).toBeNull();
    expect(pageRedirect({ ...actor!, mustChangePassword: false }, "viewer", "/events")).toBeNull();
    expect(pageRedirect(null, "viewer", "/events")).toBe("/sign-in?callbackUrl=%2Fevents");
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

/** Runs `work` with APP_URL set (or unset), then restores the configuration. */
async function withAppUrl(url: string | undefined, work: () => Promise<void>) {
  const saved = process.env.APP_URL;
  if (url === undefined) delete process.env.APP_URL;
  else process.env.APP_URL = url;
  resetEnvCache();
  try {
    await work();
  } finally {
    if (saved === undefined) delete process.env.APP_URL;
    else process.env.APP_URL = saved;
    resetEnvCache();
  }
}

describe("session cookie name", () => {
  it("reads the cookie name the configuration chose, not the one the request offers", async () => {
    await withAppUrl(undefined, async () => {
      const plain = request({ cookie: await sessionCookie(ids.admin) });
      expect(await apiActor(plain)).toMatchObject({ role: "admin", via: "session" });
      const prefixed = await sessionCookie(ids.admin, env.AUTH_SECRET, "__Secure-authjs.session-token");
      expect(await apiActor(request({ cookie: prefixed }))).toBeNull();
    });
    await withAppUrl("https://ops.example.com", async () => {
      const prefixed = await sessionCookie(ids.admin, env.AUTH_SECRET, "__Secure-authjs.session-token");
      expect(await apiActor(request({ cookie: prefixed }))).toMatchObject({ role: "admin", via: "session" });
      expect(await apiActor(request({ cookie: await sessionCookie(ids.admin) }))).toBeNull();
    });
  });
});

describe("admin API writes with the session cookie (CSRF)", () => {
  let handled = 0;
  const counted = async () => {
    handled += 1;
    return Response.json({ ok: true });
  };
  const post = (
    headers: Record<string, string>,
    body?: string,
    url = "http://127.0.0.1:3000/api/admin/events/replay",
  ) => new Request(url, { method: "POST", headers, body });
  const json = { "content-type": "application/json" };

  beforeEach(async () => {
    handled = 0;
    await resetRateLimits();
  });

  it("refuses a foreign Origin with 403 JSON and never runs the handler", async () => {
    const cookie = await sessionCookie(ids.admin);
    for (const origin of ["https://evil.example", "http://127.0.0.1:3001", "https://127.0.0.1:3000", "null"]) {
      const res = await withApiActor(post({ cookie, origin, ...json }, "{}"), "admin", counted);
      expect(res.status).toBe(403);
      expect((await res.json()).error).toMatch(/^Cross-site request refused/);
    }
    expect(handled).toBe(0);
  });

  it("refuses a Sec-Fetch-Site other than same-origin", async () => {
    const cookie = await sessionCookie(ids.admin);
    for (const site of ["cross-site", "same-site", "none"]) {
      const res = await withApiActor(post({ cookie, "sec-fetch-site": site, ...json }, "{}"), "admin", counted);
      expect(res.status).toBe(403);
    }
    const same = post({ cookie, "sec-fetch-site": "same-origin", origin: "http://127.0.0.1:3000", ...json }, "{}");
    expect((await withApiActor(same, "admin", counted)).status).toBe(200);
    expect(handled).toBe(1);
  });

  it("accepts the request's own origin, its Host header's and APP_URL's", async () => {
    const cookie = await sessionCookie(ids.admin);
    const own = post({ cookie, origin: "http://127.0.0.1:3000", ...json }, "{}");
    expect((await withApiActor(own, "admin", counted)).status).toBe(200);
    const viaHost = post(
      { cookie, origin: "http://ops.internal:8080", host: "ops.internal:8080", ...json },
      "{}",
      "http://localhost:3000/api/admin/events/replay",
    );
    expect((await withApiActor(viaHost, "admin", counted)).status).toBe(200);
    await withAppUrl("http://console.example.test:8443/", async () => {
      const viaAppUrl = post({ cookie, origin: "http://console.example.test:8443", ...json }, "{}");
      expect((await withApiActor(viaAppUrl, "admin", counted)).status).toBe(200);
    });
    expect(handled).toBe(3);
  });

  it("requires Content-Type: application/json when there is a body (415)", async () => {
    const cookie = await sessionCookie(ids.admin);
    for (const type of [undefined, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]) {
      const headers: Record<string, string> = type ? { cookie, "content-type": type } : { cookie };
      const res = await withApiActor(post(headers, '{"force":true}'), "admin", counted);
      expect(res.status).toBe(415);
      expect((await res.json()).error).toContain("Content-Type: application/json");
    }
    expect(handled).toBe(0);
    expect((await withApiActor(post({ cookie }), "admin", counted)).status).toBe(200); // no body
    const charset = post({ cookie, "content-type": "application/json; charset=utf-8" }, "{}");
    expect((await withApiActor(charset, "admin", counted)).status).toBe(200);
  });

  it("leaves reads, bearer-token scripts and unauthenticated requests as they were", async () => {
    const cookie = await sessionCookie(ids.viewer);
    const read = request({ cookie, origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect((await withApiActor(read, "viewer", counted)).status).toBe(200);
    const script = post(
      {
        authorization: `Bearer ${env.ADMIN_API_TOKEN}`,
        origin: "https://elsewhere.example",
        "content-type": "text/plain",
      },
      "{}",
    );
    expect((await withApiActor(script, "admin", counted)).status).toBe(200);
    const anonymous = await withApiActor(post({ origin: "https://evil.example" }, "{}"), "admin", counted);
    expect(anonymous.status).toBe(401);
  });
});

describe("admin API body cap", () => {
  it("reads JSON up to the cap, answers 413 beyond it and 400 for invalid JSON", async () => {
    const body = (text: string) => new Request("http://127.0.0.1:3000/x", { method: "POST", body: text });
    const fits = JSON.stringify({ pad: "a".repeat(MAX_ADMIN_BODY_BYTES - 20) });
    expect((await readJsonBody(body(fits), { invalid: "bad" })).value).toMatchObject({ pad: expect.any(String) });
    const tooLarge = await readJsonBody(body(JSON.stringify({ pad: "a".repeat(MAX_ADMIN_BODY_BYTES) })), {
      invalid: "bad",
    });
    expect(tooLarge.error?.status).toBe(413);
    expect((await tooLarge.error!.json()).error).toContain("64 KiB");
    const invalid = await readJsonBody(body("{nope"), { invalid: "Body is not valid JSON." });
    expect(invalid.error?.status).toBe(400);
    expect(await invalid.error!.json()).toEqual({ error: "Body is not valid JSON." });
    expect((await readJsonBody(body(""), { invalid: "bad", empty: {} })).value).toEqual({});
    expect((await readJsonBody(body(""), { invalid: "bad" })).error?.status).toBe(400);
  });
});
