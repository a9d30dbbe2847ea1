// The first owner, made from ADMIN_EMAIL / ADMIN_PASSWORD when that account does not exist yet.
import type { Db } from "@/db";
import { createUser, findUserByEmail } from "@/db/queries/users";

/** Creates the owner account from the configuration when it does not exist yet (never overwrites it). */
export async function ensureOwner(db: Db, email: string, password: string): Promise<void> {
  if (await findUserByEmail(db, email)) return;
  await createUser(db, { email, password, role: "owner", name: "Owner" });
}
