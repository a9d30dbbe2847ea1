// What a console operation answers: a value the server action, the admin API and the page can all show.
import { hasRole, type Actor } from "@/lib/auth/roles";
import type { Role } from "@/db/schema";

export type OperationError = { ok: false; status: 400 | 401 | 403 | 404 | 409 | 502; error: string; field?: string };
export type OperationResult<T extends object = {}> = ({ ok: true; message: string } & T) | OperationError;

export function fail(status: OperationError["status"], error: string, field?: string): OperationError {
  return field ? { ok: false, status, error, field } : { ok: false, status, error };
}

/** The operations check the role themselves too: the admin API and scripts call them without a page. */
export function refuseRole(actor: Actor, minRole: Role): OperationError | null {
  return hasRole(actor.role, minRole) ? null : fail(403, `This needs the ${minRole} role; you are ${actor.role}.`);
}

/** A unique violation, as postgres-js and PGlite report it through drizzle. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code === "23505" || e?.cause?.code === "23505";
}
