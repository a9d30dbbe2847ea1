// Accounts people manage, on a real PGlite: change your own password, an owner's reset, ending sessions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { auditLog, userSessions, type Role } from "@/db/schema";
import { createUser, findUserById } from "@/db/queries/users";
import { countActiveSessionsByUser, createUserSession, listActiveSessions } from "@/db/queries/user-sessions";
import { verifyPassword } from "@/lib/auth/passwords";
import type { Actor } from "@/lib/auth/roles";
import { checkSignIn } from "@/lib/auth/sign-in-limiter";
import {
  changeOwnPassword,
  resetUserPassword,
  signOutOtherSessions,
  signOutSession,
  signOutUserEverywhere,
  temporaryPassword,
} from "./account";

let handle: DbHandle;
let owner: Actor;
const PW = "the-old-password-1";
beforeAll(async () => {
  handle = await createTestDb();
  owner = await signedIn("owner");
});
afterAll(() => handle?.close());

let n = 0;
/** A user with one session, as the actor of that session. */
async function signedIn(role: Role, password = PW): Promise<Actor> {
  const u = await createUser(handle.db, { email: `${role}-${n++}@example.com`, password, role });
  const s = await createUserSession(handle.db, { userId: u!.id, userAgent: "Test", clientAddress: "10.0.0.1" });
  return { id: u!.id, email: u!.email, role, via: "session", sessionId: s.id };
}
const sessionsOf = (userId: string) => listActiveSessions(handle.db, userId, new Date(0));
const auditFor = (userId: string, action: string) =>
  handle.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.targetId, userId))
    .then((rows) => rows.filter((r) => r.action === action));
const change = (actor: Actor, input: Partial<Record<"currentPassword" | "newPassword" | "confirmPassword", string>>) =>
  changeOwnPassword(
    handle.db,
    actor,
    { currentPassword: PW, newPassword: "a-brand-new-password", confirmPassword: "a-brand-new-password", ...input },
    "10.9.9.9",
  );

describe("changeOwnPassword", () => {
  it("sets the new password, ends every other session (not this one) and audits without passwords", async () => {
    const me = await signedIn("viewer");
    const other = await createUserSession(handle.db, { userId: me.id! });
    const result = await change(me, {});
    expect(result).toMatchObject({ ok: true, endedSessions: 1 });
    const user = await findUserById(handle.db, me.id!);
    expect(await verifyPassword("a-brand-new-password", user!.passwordHash)).toBe(true);
    expect(await verifyPassword(PW, user!.passwordHash)).toBe(false);
    expect(user!.passwordChangedAt).toBeInstanceOf(Date);
    expect((await sessionsOf(me.id!)).map((s) => s.id)).toEqual([me.sessionId]);
    const [ended] = await handle.db.select().from(userSessions).where(eq(userSessions.id, other.id));
    expect(ended!.endReason).toBe("password changed");
    const entries = await auditFor(me.id!, "user.password_change");
    expect(entries).toHaveLength(1);
    expect(JSON.stringify(entries)).not.toMatch(/brand-new|old-password/);
  });

  it("requires the current password and counts a wrong one toward the sign-in limiter", async () => {
    const me = await signedIn("admin");
    const wrong = await change(me, { currentPassword: "not-my-password" });
    expect(wrong).toMatchObject({ ok: false, status: 400, field: "currentPassword" });
    for (let i = 0; i < 4; i++) await change(me, { currentPassword: "not-my-password" });
    // Five failures from this address: sign-in for this account from here is now refused too.
    expect((await checkSignIn(me.email, "10.9.9.9")).allowed).toBe(false);
    expect(await change(me, { currentPassword: "not-my-password" })).toMatchObject({ ok: false, status: 429 });
    const user = await findUserById(handle.db, me.id!);
    expect(await verifyPassword(PW, user!.passwordHash)).toBe(true);
  });

  it("applies the new-user rules, the confirmation and 'not the current one'", async () => {
    const me = await signedIn("viewer");
    expect(await change(me, { newPassword: "short", confirmPassword: "short" })).toMatchObject({
      status: 400,
      field: "newPassword",
    });
    expect(await change(me, { newPassword: "é".repeat(37), confirmPassword: "é".repeat(37) })).toMatchObject({
      status: 400,
      field: "newPassword",
    });
    expect(await change(me, { confirmPassword: "something-else-entirely" })).toMatchObject({
      status: 400,
      field: "confirmPassword",
    });
    expect(await change(me, { newPassword: PW, confirmPassword: PW })).toMatchObject({
      status: 400,
      field: "newPassword",
    });
    expect(await auditFor(me.id!, "user.password_change")).toHaveLength(0);
  });

  it("clears a temporary password", async () => {
    const me = await signedIn("viewer");
    const reset = await resetUserPassword(handle.db, owner, { userId: me.id! });
    expect(reset.ok).toBe(true);
    const temp = reset.ok ? reset.temporaryPassword : "";
    const fresh = await createUserSession(handle.db, { userId: me.id! });
    expect((await findUserById(handle.db, me.id!))!.mustChangePassword).toBe(true);
    expect(
      await change({ ...me, sessionId: fresh.id, mustChangePassword: true }, { currentPassword: temp }),
    ).toMatchObject({
      ok: true,
    });
    expect((await findUserById(handle.db, me.id!))!.mustChangePassword).toBe(false);
  });
});

describe("resetUserPassword", () => {
  it("sets a temporary password shown once, requires a change, ends every session, audits without it", async () => {
    const them = await signedIn("admin");
    await createUserSession(handle.db, { userId: them.id! });
    const result = await resetUserPassword(handle.db, owner, { userId: them.id! });
    expect(result).toMatchObject({ ok: true, user: { id: them.id } });
    const temp = result.ok ? result.temporaryPassword : "";
    expect(temp).toMatch(/^[A-Za-z2-9]{18}$/);
    const user = await findUserById(handle.db, them.id!);
    expect(user!.mustChangePassword).toBe(true);
    expect(await verifyPassword(temp, user!.passwordHash)).toBe(true);
    expect(await sessionsOf(them.id!)).toHaveLength(0);
    const entries = await auditFor(them.id!, "user.password_reset");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorId: owner.id, details: { email: them.email, endedSessions: 2 } });
    expect(JSON.stringify(entries)).not.toContain(temp);
  });

  it("is for owners only, never yourself, and answers 404 for an unknown user", async () => {
    const admin = await signedIn("admin");
    const them = await signedIn("viewer");
    expect(await resetUserPassword(handle.db, admin, { userId: them.id! })).toMatchObject({ ok: false, status: 403 });
    expect(await resetUserPassword(handle.db, owner, { userId: owner.id! })).toMatchObject({ ok: false, status: 409 });
    expect(await resetUserPassword(handle.db, owner, { userId: "00000000-0000-4000-8000-000000000000" })).toMatchObject(
      { ok: false, status: 404 },
    );
    expect((await findUserById(handle.db, them.id!))!.mustChangePassword).toBe(false);
  });

  it("generates different passwords of 12+ characters", () => {
    const a = temporaryPassword();
    expect(a.length).toBeGreaterThanOrEqual(12);
    expect(temporaryPassword()).not.toBe(a);
  });
});

describe("ending sessions", () => {
  it("signs a user out everywhere (owners only), audited, and counts sessions per user", async () => {
    const them = await signedIn("viewer");
    await createUserSession(handle.db, { userId: them.id! });
    expect((await countActiveSessionsByUser(handle.db, new Date(0))).get(them.id!)).toBe(2);
    expect(await signOutUserEverywhere(handle.db, them, { userId: owner.id! })).toMatchObject({ status: 403 });
    expect(await signOutUserEverywhere(handle.db, owner, { userId: them.id! })).toMatchObject({
      ok: true,
      endedSessions: 2,
    });
    expect((await countActiveSessionsByUser(handle.db, new Date(0))).get(them.id!)).toBeUndefined();
    expect(await auditFor(them.id!, "user.sign_out_everywhere")).toHaveLength(1);
  });

  it("signs out everywhere else, keeping this session", async () => {
    const me = await signedIn("viewer");
    await createUserSession(handle.db, { userId: me.id! });
    await createUserSession(handle.db, { userId: me.id! });
    expect(await signOutOtherSessions(handle.db, me)).toMatchObject({ ok: true, endedSessions: 2 });
    expect((await sessionsOf(me.id!)).map((s) => s.id)).toEqual([me.sessionId]);
    expect(await auditFor(me.id!, "auth.sign_out_others")).toHaveLength(1);
  });

  it("signs out this session once, audited (auth.sign_out)", async () => {
    const me = await signedIn("viewer");
    expect(await signOutSession(handle.db, me)).toBe(true);
    expect(await signOutSession(handle.db, me)).toBe(false);
    expect(await sessionsOf(me.id!)).toHaveLength(0);
    expect(await auditFor(me.id!, "auth.sign_out")).toHaveLength(1);
  });

  it("lists only sessions seen within the cookie's lifetime", async () => {
    const me = await signedIn("viewer");
    expect(await listActiveSessions(handle.db, me.id!, new Date(Date.now() + 60_000))).toHaveLength(0);
    expect(await listActiveSessions(handle.db, me.id!, new Date(Date.now() - 60_000))).toHaveLength(1);
  });
});
