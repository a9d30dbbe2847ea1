// The first owner is created only into an empty users table, once, and audited.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { auditLog, users } from "@/db/schema";
import { createUser, deleteUser, findUserByEmail } from "@/db/queries/users";
import { ensureOwner } from "./bootstrap-owner";
import { verifyPassword } from "./passwords";

let handle: DbHandle;
beforeEach(async () => {
  handle = await createTestDb();
});
afterEach(async () => {
  await handle?.close();
});

const PASSWORD = "bootstrap-password-1";

describe("ensureOwner", () => {
  it("creates the owner into an empty users table, with a user.bootstrap audit entry via system", async () => {
    expect(await ensureOwner(handle.db, "Admin@Example.com", PASSWORD)).toBe(true);
    const owner = await findUserByEmail(handle.db, "admin@example.com");
    expect(owner).toMatchObject({ email: "admin@example.com", role: "owner", mustChangePassword: false });
    expect(await verifyPassword(PASSWORD, owner!.passwordHash)).toBe(true);
    const entries = await handle.db.select().from(auditLog);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: "user.bootstrap",
      via: "system",
      actorId: null,
      targetId: owner!.id,
      details: { email: "admin@example.com", role: "owner" },
    });
    expect(JSON.stringify(entries[0])).not.toContain(PASSWORD);
    // A second start changes nothing.
    expect(await ensureOwner(handle.db, "admin@example.com", PASSWORD)).toBe(false);
    expect(await handle.db.select().from(users)).toHaveLength(1);
  });

  it("does not re-create ADMIN_EMAIL after another owner removed it", async () => {
    await ensureOwner(handle.db, "admin@example.com", PASSWORD);
    const other = await createUser(handle.db, { email: "second@example.com", password: PASSWORD, role: "owner" });
    const first = await findUserByEmail(handle.db, "admin@example.com");
    await deleteUser(handle.db, first!.id);
    expect(await ensureOwner(handle.db, "admin@example.com", PASSWORD)).toBe(false);
    expect(await findUserByEmail(handle.db, "admin@example.com")).toBeUndefined();
    expect((await handle.db.select().from(users)).map((u) => u.id)).toEqual([other!.id]);
  });

  it("creates one owner when two starts race", async () => {
    const results = await Promise.all([
      ensureOwner(handle.db, "admin@example.com", PASSWORD),
      ensureOwner(handle.db, "admin@example.com", PASSWORD),
      ensureOwner(handle.db, "other-admin@example.com", PASSWORD),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await handle.db.select().from(users)).toHaveLength(1);
    expect(await handle.db.select().from(auditLog)).toHaveLength(1);
  });
});
