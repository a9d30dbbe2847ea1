// Console users: look-ups and the first owner made from ADMIN_EMAIL / ADMIN_PASSWORD.
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { users, type Role, type User } from "@/db/schema";
import { hashPassword } from "./passwords";

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return row;
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

export async function createUser(db: Db, input: { email: string; password: string; role: Role; name?: string }) {
  const [row] = await db
    .insert(users)
    .values({ email: input.email.trim().toLowerCase(), name: input.name, role: input.role, passwordHash: await hashPassword(input.password) })
    .onConflictDoNothing()
    .returning();
  return row;
}

/** Creates the owner account from the configuration when it does not exist yet (never overwrites it). */
export async function ensureOwner(db: Db, email: string, password: string): Promise<void> {
  if (await findUserByEmail(db, email)) return;
  await createUser(db, { email, password, role: "owner", name: "Owner" });
}
