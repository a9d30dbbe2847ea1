// Console users, managed by owners: add with a role, change a role, remove. The console always keeps an
// owner (the last one cannot be demoted or removed) and nobody removes themselves.
import { z } from "zod";
import { type Db, inTransaction } from "@/db";
import { userRole, type Role, type User } from "@/db/schema";
import { audit } from "@/db/queries/audit";
import { createUser, deleteUser, findUserByEmail, lockUserAndOwners, setUserRole } from "@/db/queries/users";
import { ROLES, type Actor } from "@/lib/auth/roles";
import { fail, isUniqueViolation, refuseRole, type OperationResult } from "./result";

export const MIN_PASSWORD_LENGTH = 12;

export const newUserSchema = z.object({
  email: z.string().trim().min(1, "Enter an email address.").max(254).pipe(z.email("Enter a valid email address.")),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
    // bcrypt reads only the first 72 bytes; sign-in refuses longer passwords (lib/auth/next-auth.ts).
    .refine(
      (p) => Buffer.byteLength(p, "utf8") <= 72,
      "Use at most 72 bytes (72 plain letters or digits; accented letters and emoji count 2 to 4 each).",
    ),
  role: z.enum(userRole.enumValues, `Choose one of: ${ROLES.join(", ")}.`),
  name: z.string().trim().max(120).optional(),
});
export type NewUserInput = z.input<typeof newUserSchema>;

type PublicUser = { id: string; email: string; role: Role };
const publicUser = (u: User): PublicUser => ({ id: u.id, email: u.email, role: u.role });

export async function addUser(
  db: Db,
  actor: Actor,
  input: NewUserInput,
): Promise<OperationResult<{ user: PublicUser }>> {
  const refused = refuseRole(actor, "owner");
  if (refused) return refused;
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(400, issue?.message ?? "Check the form.", String(issue?.path[0] ?? ""));
  }
  const { email, password, role, name } = parsed.data;
  const duplicate = () => fail(409, `${email.toLowerCase()} already has access to the console.`, "email");
  if (await findUserByEmail(db, email)) return duplicate();
  let created: User | undefined;
  try {
    created = await createUser(db, { email, password, role, name: name || undefined });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  if (!created) return duplicate(); // added by someone else a moment ago
  await audit(db, actor, "user.create", { type: "user", id: created.id }, { email: created.email, role });
  return { ok: true, user: publicUser(created), message: `${created.email} can now sign in as ${role}.` };
}

export async function changeUserRole(
  db: Db,
  actor: Actor,
  input: { userId: string; role: Role },
): Promise<OperationResult<{ user: PublicUser }>> {
  const refused = refuseRole(actor, "owner");
  if (refused) return refused;
  return inTransaction(db, async (tx) => {
    const { user, owners } = await lockUserAndOwners(tx, input.userId);
    if (!user) return noSuchUser();
    if (user.role === input.role)
      return { ok: true as const, user: publicUser(user), message: `${user.email} is already ${input.role}.` };
    if (user.role === "owner" && owners <= 1) {
      return fail(
        409,
        `${user.email} is the last owner. Make someone else owner first, so the console keeps someone who can manage users.`,
        "role",
      );
    }
    const updated = await setUserRole(tx, user.id, input.role);
    await audit(
      tx,
      actor,
      "user.role_change",
      { type: "user", id: user.id },
      { email: user.email, from: user.role, to: input.role },
    );
    return { ok: true as const, user: publicUser(updated!), message: `${user.email} is now ${input.role}.` };
  });
}

export async function removeUser(
  db: Db,
  actor: Actor,
  input: { userId: string },
): Promise<OperationResult<{ user: PublicUser }>> {
  const refused = refuseRole(actor, "owner");
  if (refused) return refused;
  if (actor.id && actor.id === input.userId)
    return fail(409, "You cannot remove yourself. Ask another owner to do it.");
  return inTransaction(db, async (tx) => {
    const { user, owners } = await lockUserAndOwners(tx, input.userId);
    if (!user) return noSuchUser();
    if (user.role === "owner" && owners <= 1)
      return fail(409, `${user.email} is the last owner and cannot be removed.`);
    await deleteUser(tx, user.id);
    await audit(tx, actor, "user.remove", { type: "user", id: user.id }, { email: user.email, role: user.role });
    return {
      ok: true as const,
      user: publicUser(user),
      message: `${user.email} no longer has access. Their open sessions stop working at once.`,
    };
  });
}

const noSuchUser = () => fail(404, "No such user: they may have been removed already. Reload the page.");
