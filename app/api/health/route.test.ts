// GET /api/health: anyone sees { status, time, version, startedAt }; the admin API token or an admin
// session sees the details.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import { setDbHandle, type DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { createUserSession } from "@/db/queries/user-sessions";
import { createUser } from "@/db/queries/users";
import { resetRateLimits } from "@/lib/auth/rate-limit";
import { readFileSync } from "node:fs";
import { env } from "@/lib/env";
import { GET } from "./route";

const PUBLIC_KEYS = ["startedAt", "status", "time", "version"];
const packageVersion = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;

let handle: DbHandle;
const ids: Record<string, string> = {};

beforeAll(async () => {
  handle = await createTestDb();
  setDbHandle(handle);
  for (const role of ["admin", "viewer"] as const) {
    const user = await createUser(handle.db, { email: `${role}@example.com`, password: "correct horse battery", role });
    ids[role] = user!.id;
  }
});
afterAll(async () => {
  setDbHandle(undefined);
  await handle?.close();
});
beforeEach(async () => {
  await resetRateLimits();
});

/** The cookie of a real session row, as sign-in makes one. */
async function sessionCookie(uid: string) {
  const { id: sid } = await createUserSession(handle.db, { userId: uid });
  const token = await encode({ token: { sub: uid, uid, sid }, secret: env.AUTH_SECRET, salt: "authjs.session-token" });
  return `authjs.session-token=${token}`;
}

async function health(headers: Record<string, string> = {}) {
  const res = await GET(new Request("http://127.0.0.1:3000/api/health", { headers }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("GET /api/health", () => {
  it("answers anyone with the status, time, build version and process start only", async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(PUBLIC_KEYS);
    expect(body).toMatchObject({ status: "ok", version: packageVersion });
    // The process's start: before this request, and not before the process could have started.
    const startedAt = Date.parse(body.startedAt as string);
    expect(startedAt).toBeLessThanOrEqual(Date.now());
    expect(startedAt).toBeGreaterThanOrEqual(Date.now() - process.uptime() * 1000 - 1000);
    // Stable across requests: a monitor reads a changed value as a restart.
    expect((await health()).body.startedAt).toBe(body.startedAt);
  });

  it("shows the details for the admin API token or an admin session, not a viewer or a wrong token", async () => {
    const full = await health({ authorization: `Bearer ${env.ADMIN_API_TOKEN}` });
    expect(full.body).toMatchObject({
      status: "ok",
      database: { ok: true, driver: expect.stringMatching(/^(pglite|postgres)$/) },
      migrations: { current: true },
      jobs: { driver: expect.any(String) },
      backlog: { received: 0, processing: 0, failed: 0 },
      version: packageVersion,
      startedAt: expect.any(String),
    });
    expect(full.body).toHaveProperty("commit");
    expect((await health({ cookie: await sessionCookie(ids.admin) })).body).toHaveProperty("backlog");
    const refused: Record<string, string>[] = [
      { cookie: await sessionCookie(ids.viewer) },
      { authorization: "Bearer not-the-token" },
      { authorization: `Bearer ${env.ADMIN_API_TOKEN}x` },
    ];
    for (const headers of refused) {
      const { status, body } = await health(headers);
      expect(status).toBe(200);
      expect(Object.keys(body).sort()).toEqual(PUBLIC_KEYS);
    }
  });

  it("keeps the database error text for the token when the database is down; anyone sees 503 down", async () => {
    const broken = await createTestDb();
    await broken.close();
    setDbHandle(broken);
    try {
      const open = await health({ cookie: await sessionCookie(ids.admin) });
      expect(open.status).toBe(503);
      expect(open.body).toEqual({
        status: "down",
        time: expect.any(String),
        version: packageVersion,
        startedAt: expect.any(String),
      });
      const full = await health({ authorization: `Bearer ${env.ADMIN_API_TOKEN}` });
      expect(full.status).toBe(503);
      expect(full.body).toMatchObject({ status: "down", database: { ok: false, error: expect.any(String) } });
    } finally {
      setDbHandle(handle);
    }
  });
});
