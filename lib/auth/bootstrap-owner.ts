// The first owner, made from ADMIN_EMAIL / ADMIN_PASSWORD into an empty users table only: once anyone exists,
// owners manage the accounts (an owner removed by another owner is not re-created at the next start).
import type { Db } from "@/db";
import { audit } from "@/db/queries/audit";
import { createFirstOwner } from "@/db/queries/users";
import { SYSTEM_ACTOR } from "./roles";

/** Creates the owner when there is no user at all (never overwrites one); answers whether it did. */
export async function ensureOwner(db: Db, email: string, password: string): Promise<boolean> {
  const created = await createFirstOwner(db, { email, password, name: "Owner" }, (tx, user) =>
    audit(tx, SYSTEM_ACTOR, "user.bootstrap", { type: "user", id: user.id }, { email: user.email, role: "owner" }),
  );
  return created !== undefined;
}
