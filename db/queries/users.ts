// Console users: look-ups for sign-in and the session guard, and the owners' writes (add, change a role,
// remove), with the row locks that keep the console from ever losing its last owner.
import { asc, eq, sql } from "drizzle-orm";
import { type Db, inTransaction } from "@/db";
import { type Role, type User, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/passwords";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return row;
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

/** Creates a user with a hashed password; answers undefined when the email is taken. */
export async function createUser(db: Db, input: { email: string; password: string; role: Role; name?: string }) {
  const [row] = await db
    .insert(users)
    .values({
      email: input.email.trim().toLowerCase(),
      name: input.name,
      role: input.role,
      passwordHash: await hashPassword(input.password),
    })
    .onConflictDoNothing()
    .returning();
  return row;
}

/**
 * Creates the first owner only when the users table is empty, in one transaction holding an advisory lock, so
 * two processes starting together cannot both create it (the second waits, then finds a user). Answers the
 * user created, or undefined when there was already one.
 */
export async function createFirstOwner(
  db: Db,
  input: { email: string; password: string; name?: string },
  onCreated: (tx: Db, user: User) => Promise<void>,
): Promise<User | undefined> {
  // The usual start: someone exists already, no need to hash or lock.
  if ((await db.select({ id: users.id }).from(users).limit(1)).length) return undefined;
  const passwordHash = await hashPassword(input.password);
  return inTransaction(db, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`);
    const [any] = await tx.select({ id: users.id }).from(users).limit(1);
    if (any) return undefined;
    const [row] = await tx
      .insert(users)
      .values({ email: input.email.trim().toLowerCase(), name: input.name, role: "owner", passwordHash })
      .returning();
    await onCreated(tx, row!);
    return row;
  });
}

/** The advisory lock key of the first owner's creation (any constant bigint; "fops-own" in ASCII). */
const BOOTSTRAP_LOCK = 0x666f70732d6f776en;

/** Sets a new password; `mustChange` marks it temporary (an owner's reset) or not (the user's own change). */
export async function setUserPassword(db: Db, userId: string, password: string, mustChange: boolean): Promise<void> {
  const now = new Date();
  await db
    .update(users)
    .set({
      passwordHash: await hashPassword(password),
      mustChangePassword: mustChange,
      passwordChangedAt: now,
      updatedAt: now,
    })
    .where(eq(users.id, userId));
}

export async function markSignedIn(db: Db, userId: string): Promise<void> {
  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, userId));
}

/** Every user, oldest first, without password hashes (the Users page). */
export async function listUsers(db: Db) {
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      lastSignInAt: users.lastSignInAt,
      mustChangePassword: users.mustChangePassword,
      createdAt: users.createdAt,
    })
    .from(users)
    .orderBy(asc(users.createdAt));
}

/**
 * Inside a transaction: locks every owner row and the target for the rest of it, so two owners demoting
 * each other at the same moment cannot leave the console without one (the second waits, then counts again).
 */
export async function lockUserAndOwners(tx: Db, userId: string): Promise<{ user: User | undefined; owners: number }> {
  const owners = await tx.select({ id: users.id }).from(users).where(eq(users.role, "owner")).for("update");
  const [user] = UUID.test(userId) ? await tx.select().from(users).where(eq(users.id, userId)).for("update") : [];
  return { user, owners: owners.length };
}

export async function setUserRole(db: Db, userId: string, role: Role): Promise<User | undefined> {
  const [row] = await db.update(users).set({ role, updatedAt: new Date() }).where(eq(users.id, userId)).returning();
  return row;
}

export async function deleteUser(db: Db, userId: string): Promise<void> {
  await db.delete(users).where(eq(users.id, userId));
}
