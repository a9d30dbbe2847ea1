// Session cookies are Secure by configuration (APP_URL https, or production), never by a request header;
// a password longer than bcrypt's 72 bytes is refused at sign-in.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { setDbHandle, type DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { createUser } from "@/db/queries/users";
import { newUserSchema } from "@/lib/commands/users";
import { resetEnvCache } from "../env";
import { credentialsSchema, handlers, MAX_PASSWORD_BYTES, secureCookies } from "./next-auth";
import { apiActor } from "./access";
import { eq } from "drizzle-orm";
import { auditLog, userSessions } from "@/db/schema";

let handle: DbHandle;
const saved = { APP_URL: process.env.APP_URL };

beforeAll(async () => {
  handle = await createTestDb();
  setDbHandle(handle);
});
afterAll(async () => {
  setDbHandle(undefined);
  await handle?.close();
});
afterEach(() => {
  if (saved.APP_URL === undefined) delete process.env.APP_URL;
  else process.env.APP_URL = saved.APP_URL;
  resetEnvCache();
});

function setAppUrl(url: string | undefined) {
  if (url === undefined) delete process.env.APP_URL;
  else process.env.APP_URL = url;
  resetEnvCache();
}

const BASE = "http://127.0.0.1:3000";

/** GET /api/auth/csrf through the real Auth.js handler: its Set-Cookie headers. */
async function csrf(headers: Record<string, string> = {}, base = BASE) {
  const res = await handlers.GET(new NextRequest(`${base}/api/auth/csrf`, { headers }));
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { csrfToken, setCookies: res.headers.getSetCookie() };
}

describe("secure session cookies from configuration", () => {
  it("decides from APP_URL and production, not from the request", () => {
    expect(secureCookies({ APP_URL: undefined, isProduction: false })).toBe(false);
    expect(secureCookies({ APP_URL: "http://127.0.0.1:3000", isProduction: false })).toBe(false);
    expect(secureCookies({ APP_URL: "https://ops.example.com", isProduction: false })).toBe(true);
    expect(secureCookies({ APP_URL: undefined, isProduction: true })).toBe(true);
  });

  it("sets plain cookies for the demo and tests on http://127.0.0.1, whatever the request says", async () => {
    setAppUrl(undefined);
    const cases: [Record<string, string>, string][] = [
      [{}, BASE],
      [{ "x-forwarded-proto": "https" }, BASE],
      [{ "x-forwarded-proto": "https" }, "https://127.0.0.1:3000"],
    ];
    for (const [headers, base] of cases) {
      const { setCookies } = await csrf(headers, base);
      const cookie = setCookies.find((c) => c.includes("authjs.csrf-token="));
      expect(cookie).toMatch(/^authjs\.csrf-token=/);
      expect(cookie).not.toMatch(/;\s*Secure/i);
    }
  });

  it("sets Secure, prefixed cookies when APP_URL is https, even for a plain http request", async () => {
    setAppUrl("https://ops.example.com");
    const { setCookies } = await csrf();
    const cookie = setCookies.find((c) => c.includes("authjs.csrf-token="));
    expect(cookie).toMatch(/^__Host-authjs\.csrf-token=/);
    expect(cookie).toMatch(/;\s*Secure/i);
  });
});

describe("passwords longer than 72 bytes", () => {
  const password = (bytes: string) => credentialsSchema.safeParse({ email: "a@example.com", password: bytes }).success;

  it("counts UTF-8 bytes, not characters", () => {
    expect(MAX_PASSWORD_BYTES).toBe(72);
    expect(password("a".repeat(72))).toBe(true);
    expect(password("a".repeat(73))).toBe(false);
    expect(password("é".repeat(36))).toBe(true); // 72 bytes
    expect(password("é".repeat(37))).toBe(false); // 37 characters, 74 bytes
  });

  it("refuses to set a password over 72 bytes for a new user, with a clear message", () => {
    const user = (pw: string) => newUserSchema.safeParse({ email: "new@example.com", password: pw, role: "viewer" });
    expect(user("a".repeat(72)).success).toBe(true);
    expect(user("é".repeat(36)).success).toBe(true);
    for (const pw of ["a".repeat(73), "é".repeat(37), "🔑".repeat(19)]) {
      const parsed = user(pw);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]).toMatchObject({
        path: ["password"],
        message: expect.stringMatching(/^Use at most 72 bytes/),
      });
    }
  });

  it("refuses sign-in with a password over 72 bytes even when bcrypt would match it", async () => {
    setAppUrl(undefined);
    const long = `${"x".repeat(72)}-and-more`;
    await createUser(handle.db, { email: "long@example.com", password: long, role: "viewer" });
    const signIn = async (pw: string) => {
      const { csrfToken, setCookies } = await csrf();
      const res = await handlers.POST(
        new NextRequest(`${BASE}/api/auth/callback/credentials`, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            cookie: setCookies.map((c) => c.split(";")[0]).join("; "),
            origin: BASE,
          },
          body: new URLSearchParams({ email: "long@example.com", password: pw, csrfToken, callbackUrl: `${BASE}/` }),
        }),
      );
      return res.headers.getSetCookie().some((c) => /^authjs\.session-token=./.test(c));
    };
    expect(await signIn(long)).toBe(false); // bcrypt alone would match: it reads only the first 72 bytes
    // A password within the cap signs in through the same flow.
    await createUser(handle.db, { email: "short@example.com", password: "correct horse battery", role: "viewer" });
    const { csrfToken, setCookies } = await csrf();
    const ok = await handlers.POST(
      new NextRequest(`${BASE}/api/auth/callback/credentials`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          cookie: setCookies.map((c) => c.split(";")[0]).join("; "),
          origin: BASE,
        },
        body: new URLSearchParams({
          email: "short@example.com",
          password: "correct horse battery",
          csrfToken,
          callbackUrl: `${BASE}/`,
        }),
      }),
    );
    expect(ok.headers.getSetCookie().some((c) => /^authjs\.session-token=./.test(c))).toBe(true);
  });
});

describe("sign-in and sign-out record sessions and audit entries", () => {
  const post = async (path: string, cookies: string[], body: Record<string, string>, ua = "TestBrowser/1.0") =>
    handlers.POST(
      new NextRequest(`${BASE}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          cookie: cookies.join("; "),
          origin: BASE,
          "user-agent": ua,
        },
        body: new URLSearchParams(body),
      }),
    );
  const signIn = async (email: string, password: string) => {
    const { csrfToken, setCookies } = await csrf();
    const jar = setCookies.map((c) => c.split(";")[0]!);
    const res = await post("/api/auth/callback/credentials", jar, {
      email,
      password,
      csrfToken,
      callbackUrl: `${BASE}/`,
    });
    const session = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .find((c) => /^authjs\.session-token=./.test(c));
    return { session, jar, csrfToken };
  };
  const apiRequest = (cookie: string) => new Request(`${BASE}/api/admin/events`, { headers: { cookie } });

  it("creates a session row at sign-in, carries its id in the JWT, and audits auth.sign_in", async () => {
    setAppUrl(undefined);
    const user = await createUser(handle.db, {
      email: "sess@example.com",
      password: "correct horse battery",
      role: "admin",
    });
    const { session } = await signIn("sess@example.com", "correct horse battery");
    expect(session).toBeDefined();
    const actor = await apiActor(apiRequest(session!));
    expect(actor).toMatchObject({ id: user!.id, via: "session", sessionId: expect.any(String) });
    const [row] = await handle.db.select().from(userSessions).where(eq(userSessions.id, actor!.sessionId!));
    expect(row).toMatchObject({ userId: user!.id, userAgent: "TestBrowser/1.0", endedAt: null });
    expect(row!.clientAddress).toBeTruthy();
    const entries = await handle.db.select().from(auditLog).where(eq(auditLog.action, "auth.sign_in"));
    expect(entries.find((e) => e.actorId === user!.id)).toMatchObject({
      actorEmail: "sess@example.com",
      via: "session",
    });
  });

  it("audits a failed sign-in with the typed email, never the password", async () => {
    setAppUrl(undefined);
    await createUser(handle.db, { email: "fail@example.com", password: "correct horse battery", role: "viewer" });
    const { session } = await signIn("fail@example.com", "Wrong-Guess-9876");
    expect(session).toBeUndefined();
    await signIn("nobody@example.com", "Another-Guess-5432");
    const entries = await handle.db.select().from(auditLog).where(eq(auditLog.action, "auth.sign_in_failed"));
    expect(entries.map((e) => e.actorEmail).sort()).toEqual(["fail@example.com", "nobody@example.com"]);
    expect(entries[0]).toMatchObject({ actorId: null, via: "session" });
    expect(JSON.stringify(entries)).not.toMatch(/Wrong-Guess|Another-Guess/);
  });

  it("ends the session row at sign-out through Auth.js, so a copy of the cookie stops working", async () => {
    setAppUrl(undefined);
    await createUser(handle.db, { email: "out@example.com", password: "correct horse battery", role: "viewer" });
    const { session } = await signIn("out@example.com", "correct horse battery");
    const copy = session!;
    const actor = await apiActor(apiRequest(copy));
    expect(actor).not.toBeNull();
    const { csrfToken, setCookies } = await csrf();
    await post("/api/auth/signout", [...setCookies.map((c) => c.split(";")[0]!), copy], {
      csrfToken,
      callbackUrl: `${BASE}/sign-in`,
    });
    expect(await apiActor(apiRequest(copy))).toBeNull();
    const [row] = await handle.db.select().from(userSessions).where(eq(userSessions.id, actor!.sessionId!));
    expect(row).toMatchObject({ endReason: "signed out" });
    expect(row!.endedAt).toBeInstanceOf(Date);
  });
});
