// What a console operation answers: the shared Result (lib/result.ts), with a message on success that the
// server action, the admin API and the page can all show.
import { hasRole, type Actor } from "@/lib/auth/roles";
import type { Role } from "@/db/schema";
import { fail, type Failure, type Result } from "@/lib/result";

export { fail };
export type OperationError = Failure;
export type OperationResult<T extends object = object> = Result<{ message: string } & T>;

/** The operations check the role themselves too: the admin API and scripts call them without a page. */
export function refuseRole(actor: Actor, minRole: Role): OperationError | null {
  return hasRole(actor.role, minRole) ? null : fail(403, `This needs the ${minRole} role; you are ${actor.role}.`);
}

/** A unique violation, as postgres-js and PGlite report it through drizzle. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code === "23505" || e?.cause?.code === "23505";
}
