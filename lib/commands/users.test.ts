// Console user management on a real PGlite: owners only, unique emails, always one owner, never yourself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { auditLog, users, type Role } from "@/db/schema";
import { verifyPassword } from "@/lib/auth/passwords";
import type { Actor } from "@/lib/auth/roles";
import { createUser, findUserByEmail } from "@/db/queries/users";
import { addUser, changeUserRole, removeUser } from "./users";

let handle: DbHandle;
let owner: Actor;
beforeAll(async () => {
  handle = await createTestDb();
  const row = await createUser(handle.db, {
    email: "owner@example.com",
    password: "owner-password-123",
    role: "owner",
  });
  owner = { id: row!.id, email: row!.email, role: "owner", via: "session" };
});
afterAll(() => handle?.close());

let n = 0;
const email = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${n++}@example.com`;
const add = (role: Role, actor = owner) =>
  addUser(handle.db, actor, { email: email(role), password: "a-temporary-password", role });
const actorOf = (u: { id: string; email: string; role: Role }): Actor => ({
  id: u.id,
  email: u.email,
  role: u.role,
  via: "session",
});
const auditFor = (userId: string) => handle.db.select().from(auditLog).where(eq(auditLog.targetId, userId));
const ownerCount = async () => (await handle.db.select().from(users).where(eq(users.role, "owner"))).length;

describe("addUser", () => {
  it("creates a user with a hashed password and the role, and audits it without the password", async () => {
    const result = await addUser(handle.db, owner, {
      email: "  New.Person@Example.com ",
      password: "a-temporary-password",
      role: "viewer",
    });
    expect(result).toMatchObject({ ok: true, user: { email: "new.person@example.com", role: "viewer" } });
    const row = await findUserByEmail(handle.db, "new.person@example.com");
    expect(await verifyPassword("a-temporary-password", row!.passwordHash)).toBe(true);
    const [entry] = await auditFor(row!.id);
    expect(entry).toMatchObject({
      action: "user.create",
      actorEmail: owner.email,
      targetType: "user",
      details: { email: "new.person@example.com", role: "viewer" },
    });
    expect(JSON.stringify(entry)).not.toContain("a-temporary-password");
  });

  it("refuses a duplicate email whatever its case, with a clear message on the email field", async () => {
    const first = await add("admin");
    if (!first.ok) throw new Error(first.error);
    const again = await addUser(handle.db, owner, {
      email: first.user.email.toUpperCase(),
      password: "another-password-1",
      role: "viewer",
    });
    expect(again).toMatchObject({
      ok: false,
      status: 409,
      field: "email",
      error: expect.stringContaining("already has access"),
    });
  });

  it("refuses a short password, a bad email and an unknown role, naming the field", async () => {
    expect(await addUser(handle.db, owner, { email: email("x"), password: "short", role: "viewer" })).toMatchObject({
      ok: false,
      status: 400,
      field: "password",
    });
    expect(
      await addUser(handle.db, owner, { email: "not-an-email", password: "a-temporary-password", role: "viewer" }),
    ).toMatchObject({ ok: false, status: 400, field: "email" });
    expect(
      await addUser(handle.db, owner, { email: email("x"), password: "a-temporary-password", role: "root" as Role }),
    ).toMatchObject({ ok: false, status: 400, field: "role" });
  });

  it("refuses admins and viewers", async () => {
    for (const role of ["admin", "viewer"] as const) {
      const actor: Actor = { id: null, email: `${role}@example.com`, role, via: "session" };
      const target = email("refused");
      expect(
        await addUser(handle.db, actor, { email: target, password: "a-temporary-password", role: "owner" }),
      ).toMatchObject({ ok: false, status: 403 });
      expect(await findUserByEmail(handle.db, target)).toBeUndefined();
    }
  });
});

describe("changeUserRole", () => {
  it("changes a role and audits from → to", async () => {
    const added = await add("viewer");
    if (!added.ok) throw new Error(added.error);
    expect(await changeUserRole(handle.db, owner, { userId: added.user.id, role: "admin" })).toMatchObject({
      ok: true,
      user: { role: "admin" },
    });
    const [entry] = await auditFor(added.user.id).then((rows) => rows.filter((r) => r.action === "user.role_change"));
    expect(entry!.details).toMatchObject({ from: "viewer", to: "admin" });
  });

  it("never demotes the last owner, even the owner themselves; with a second owner it may", async () => {
    expect(await ownerCount()).toBe(1);
    expect(await changeUserRole(handle.db, owner, { userId: owner.id!, role: "admin" })).toMatchObject({
      ok: false,
      status: 409,
      error: expect.stringContaining("last owner"),
    });
    const second = await add("owner");
    if (!second.ok) throw new Error(second.error);
    expect(
      await changeUserRole(handle.db, actorOf(second.user), { userId: second.user.id, role: "admin" }),
    ).toMatchObject({ ok: true });
    expect(await ownerCount()).toBe(1);
  });

  it("two owners demoting each other at once leave one owner", async () => {
    const a = await add("owner");
    if (!a.ok) throw new Error(a.error);
    await changeUserRole(handle.db, owner, { userId: a.user.id, role: "owner" });
    const both = await Promise.all([
      changeUserRole(handle.db, actorOf(a.user), { userId: owner.id!, role: "admin" }),
      changeUserRole(handle.db, owner, { userId: a.user.id, role: "admin" }),
    ]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(await ownerCount()).toBe(1);
    // Put the fixture owner back for the next tests.
    const remaining = (await handle.db.select().from(users).where(eq(users.role, "owner")))[0]!;
    if (remaining.id !== owner.id) {
      await changeUserRole(handle.db, actorOf(remaining), { userId: owner.id!, role: "owner" });
      await changeUserRole(handle.db, owner, { userId: remaining.id, role: "admin" });
    }
    expect(await ownerCount()).toBe(1);
  });

  it("refuses admins, viewers and unknown users", async () => {
    const added = await add("viewer");
    if (!added.ok) throw new Error(added.error);
    const admin: Actor = { id: null, email: "admin@example.com", role: "admin", via: "session" };
    expect(await changeUserRole(handle.db, admin, { userId: added.user.id, role: "owner" })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(
      await changeUserRole(handle.db, { ...admin, role: "viewer" }, { userId: added.user.id, role: "owner" }),
    ).toMatchObject({ ok: false, status: 403 });
    expect(
      await changeUserRole(handle.db, owner, { userId: "00000000-0000-0000-0000-000000000000", role: "admin" }),
    ).toMatchObject({ ok: false, status: 404 });
  });
});

describe("removeUser", () => {
  it("removes a user and audits it", async () => {
    const added = await add("admin");
    if (!added.ok) throw new Error(added.error);
    expect(await removeUser(handle.db, owner, { userId: added.user.id })).toMatchObject({ ok: true });
    expect(await findUserByEmail(handle.db, added.user.email)).toBeUndefined();
    expect((await auditFor(added.user.id)).map((e) => e.action)).toEqual(["user.create", "user.remove"]);
  });

  it("refuses removing yourself, the last owner, as an admin or viewer, and an unknown user", async () => {
    expect(await removeUser(handle.db, owner, { userId: owner.id! })).toMatchObject({
      ok: false,
      status: 409,
      error: expect.stringContaining("yourself"),
    });
    const added = await add("admin");
    if (!added.ok) throw new Error(added.error);
    // A session still carrying the owner role after a demotion must not remove the one real owner.
    expect(await removeUser(handle.db, actorOf({ ...added.user, role: "owner" }), { userId: owner.id! })).toMatchObject(
      { ok: false, status: 409, error: expect.stringContaining("last owner") },
    );
    expect(await removeUser(handle.db, actorOf(added.user), { userId: owner.id! })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(
      await removeUser(handle.db, { ...actorOf(added.user), role: "viewer" }, { userId: owner.id! }),
    ).toMatchObject({ ok: false, status: 403 });
    expect(await removeUser(handle.db, owner, { userId: "not-a-uuid" })).toMatchObject({ ok: false, status: 404 });
    expect(await ownerCount()).toBe(1);
  });
});
