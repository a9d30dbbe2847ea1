// Accounts people manage: change your own password, an owner's password reset (a temporary password shown
// once), and ending sessions (your others, or everyone's of one user). Each ends the sessions it must and is
// audited; passwords never reach the audit log.
import { randomInt } from "node:crypto";
import { z } from "zod";
import { type Db, inTransaction } from "@/db";
import type { Role } from "@/db/schema";
import { audit } from "@/db/queries/audit";
import { endSession, endUserSessions } from "@/db/queries/user-sessions";
import { findUserById, setUserPassword } from "@/db/queries/users";
import { verifyPassword } from "@/lib/auth/passwords";
import type { Actor } from "@/lib/auth/roles";
import { recordFailedSignIn } from "@/lib/auth/sign-in-limiter";
import { newUserSchema } from "./users";
import { fail, refuseRole, type OperationResult } from "./result";

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password.").max(1024),
    newPassword: newUserSchema.shape.password,
    confirmPassword: z.string().max(1024),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords differ.",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "Choose a password different from the current one.",
  });
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

/** Changes the signed-in user's own password; ends their other sessions. `address` feeds the sign-in limiter. */
export async function changeOwnPassword(
  db: Db,
  actor: Actor,
  input: ChangePasswordInput,
  address: string,
): Promise<OperationResult<{ endedSessions: number }>> {
  if (actor.via !== "session" || !actor.id) return fail(403, "Only a signed-in user changes their own password.");
  const parsed = changePasswordSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(400, issue?.message ?? "Check the form.", String(issue?.path[0] ?? ""));
  }
  const user = await findUserById(db, actor.id);
  if (!user) return fail(401, "Sign in required.");
  if (!(await verifyPassword(parsed.data.currentPassword, user.passwordHash))) {
    // A wrong current password is a guess like a failed sign-in: it counts toward the same limits.
    const limit = await recordFailedSignIn(user.email.toLowerCase(), address);
    await audit(db, actor, "auth.password_check_failed", { type: "user", id: user.id }, { address });
    return limit.allowed
      ? fail(400, "That is not your current password.", "currentPassword")
      : fail(429, "Too many wrong passwords. Wait a few minutes and try again.", "currentPassword");
  }
  const endedSessions = await inTransaction(db, async (tx) => {
    await setUserPassword(tx, user.id, parsed.data.newPassword, false);
    const ended = await endUserSessions(tx, user.id, "password changed", actor.sessionId);
    await audit(tx, actor, "user.password_change", { type: "user", id: user.id }, { endedSessions: ended });
    return ended;
  });
  const others = endedSessions === 1 ? "1 other session was" : `${endedSessions} other sessions were`;
  return {
    ok: true,
    endedSessions,
    message: `Password changed.${endedSessions ? ` ${others} signed out.` : ""}`,
  };
}

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
/** A random temporary password: 18 characters from 57 (~105 bits), no look-alikes. */
export function temporaryPassword(): string {
  return Array.from({ length: 18 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
}

type UserRef = { id: string; email: string; role: Role };

/** An owner resets another user's password: a temporary one, shown once; every session of theirs ends. */
export async function resetUserPassword(
  db: Db,
  actor: Actor,
  input: { userId: string },
): Promise<OperationResult<{ user: UserRef; temporaryPassword: string }>> {
  const refused = refuseRole(actor, "owner");
  if (refused) return refused;
  if (actor.id && actor.id === input.userId)
    return fail(409, "Change your own password on the Account page (it asks for the current one).");
  const user = await findUserById(db, input.userId);
  if (!user) return noSuchUser();
  const password = temporaryPassword();
  const endedSessions = await inTransaction(db, async (tx) => {
    await setUserPassword(tx, user.id, password, true);
    const ended = await endUserSessions(tx, user.id, "password reset");
    await audit(
      tx,
      actor,
      "user.password_reset",
      { type: "user", id: user.id },
      { email: user.email, endedSessions: ended },
    );
    return ended;
  });
  return {
    ok: true,
    user: { id: user.id, email: user.email, role: user.role },
    temporaryPassword: password,
    message: `${user.email} has a temporary password${endedSessions ? ` and was signed out (${endedSessions} session${endedSessions === 1 ? "" : "s"})` : ""}. They choose their own at the next sign-in.`,
  };
}

/** An owner signs one user out everywhere (every active session ends). */
export async function signOutUserEverywhere(
  db: Db,
  actor: Actor,
  input: { userId: string },
): Promise<OperationResult<{ endedSessions: number }>> {
  const refused = refuseRole(actor, "owner");
  if (refused) return refused;
  const user = await findUserById(db, input.userId);
  if (!user) return noSuchUser();
  return inTransaction(db, async (tx) => {
    const ended = await endUserSessions(tx, user.id, "signed out by an owner");
    await audit(
      tx,
      actor,
      "user.sign_out_everywhere",
      { type: "user", id: user.id },
      { email: user.email, endedSessions: ended },
    );
    return {
      ok: true as const,
      endedSessions: ended,
      message: ended
        ? `${user.email} was signed out of ${ended} session${ended === 1 ? "" : "s"}.`
        : `${user.email} had no open session.`,
    };
  });
}

/** The signed-in user ends every session of theirs but this one. */
export async function signOutOtherSessions(db: Db, actor: Actor): Promise<OperationResult<{ endedSessions: number }>> {
  if (actor.via !== "session" || !actor.id || !actor.sessionId) return fail(403, "Only a signed-in user has sessions.");
  const userId = actor.id;
  return inTransaction(db, async (tx) => {
    const ended = await endUserSessions(tx, userId, "signed out from another session", actor.sessionId);
    await audit(tx, actor, "auth.sign_out_others", { type: "user", id: userId }, { endedSessions: ended });
    return {
      ok: true as const,
      endedSessions: ended,
      message: ended ? `Signed out of ${ended} other session${ended === 1 ? "" : "s"}.` : "No other session was open.",
    };
  });
}

/** Sign-out: ends this session server-side (so a copy of the cookie stops working) and audits it. */
export async function signOutSession(db: Db, actor: Actor): Promise<boolean> {
  if (!actor.sessionId || !actor.id) return false;
  const ended = await endSession(db, actor.sessionId, "signed out");
  if (ended) await audit(db, actor, "auth.sign_out", { type: "user", id: actor.id }, { session: actor.sessionId });
  return ended;
}

const noSuchUser = () => fail(404, "No such user: they may have been removed already. Reload the page.");
