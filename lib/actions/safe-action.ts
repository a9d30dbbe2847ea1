// What every console server action answers: a serialisable success or a refusal the client can show
// (401 signed out, 403 role too low, 400 bad input, 404/409 from the operation), never a thrown error.
import "server-only";
import type { z } from "zod";
import { AccessError, requireActionActor } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/roles";
import type { Role } from "@/db/schema";

export type ActionFailure = { ok: false; status: number; error: string };
export type ActionResult<T extends object = object> = ({ ok: true } & T) | ActionFailure;

/** The signed-in user with at least `minRole`, or the refusal (401/403) as a value rather than a throw. */
export async function actionActor(minRole: Role): Promise<Actor | ActionFailure> {
  try {
    return await requireActionActor(minRole);
  } catch (err) {
    if (err instanceof AccessError) return { ok: false, status: err.status, error: err.message };
    throw err;
  }
}

export function isRefusal(value: Actor | ActionFailure): value is ActionFailure {
  return "ok" in value;
}

/**
 * The role check first (an AccessError becomes `{ ok: false, status }`), then the zod-parsed input,
 * then the work. Anything else thrown is a bug and still surfaces as an error.
 */
export async function adminAction<S extends z.ZodType, R extends ActionResult>(
  schema: S,
  input: unknown,
  run: (actor: Actor, data: z.output<S>) => Promise<R>,
): Promise<R | ActionFailure> {
  const actor = await actionActor("admin");
  if (isRefusal(actor)) return actor;
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
    return { ok: false, status: 400, error: `Invalid input (${detail}).` };
  }
  return run(actor, parsed.data);
}
