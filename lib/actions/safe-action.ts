// The one server-action wrapper (after dub's safe-action): session + role, zod input, the work, then
// revalidation, all answering the shared Result. Refusals (401 signed out, 403 role too low) and bad
// input (400 naming the field) come back as values, never as throws; anything else thrown is a bug and
// still surfaces. The commands audit their writes themselves (the admin API calls them too).
import "server-only";
import { revalidatePath } from "next/cache";
import type { z } from "zod";
import type { Role } from "@/db/schema";
import { headers } from "next/headers";
import { getDb } from "@/db";
import { AccessError, currentActor, requireActionActor } from "@/lib/auth/access";
import { auditAccessRefused, pathOf } from "@/lib/auth/refusals";
import type { Actor } from "@/lib/auth/roles";
import type { Failure, Result } from "@/lib/result";
import { fieldErrorsOf, formatIssues } from "@/lib/schemas/issues";

type ActionOptions<S extends z.ZodType, R extends Role | undefined> = {
  /** The least role that may run it; leave out for a public action (sign-in). */
  role?: R;
  /** Runs for a user whose password an owner reset (only the password change itself sets this). */
  allowTemporaryPassword?: boolean;
  input: S;
  /** A form's fields: bad input (and an operation's `field`) answers one message per field. */
  fields?: readonly string[];
  /** The 400's text for input that does not parse. Default: "Invalid input (path: message; …)."; with `fields`: "Check the highlighted fields." */
  invalid?: string | ((error: z.ZodError) => string);
  /** Pages to revalidate once the work has run, whatever it answered. */
  revalidate?: readonly string[] | ((input: z.output<S>) => readonly string[]);
};

export type ActionContext<S extends z.ZodType, R extends Role | undefined> = {
  actor: R extends Role ? Actor : null;
  input: z.output<S>;
};

/** The signed-in user with at least `minRole`, or the refusal (401/403) as a value rather than a throw. */
async function actorOrRefusal(minRole: Role, allowTemporaryPassword = false): Promise<Actor | Failure> {
  try {
    return await requireActionActor(minRole, { allowTemporaryPassword });
  } catch (err) {
    if (!(err instanceof AccessError)) throw err;
    if (err.status === 403) await auditActionRefusal(minRole);
    return { ok: false, status: err.status, error: err.message };
  }
}

/** Records a role refusal of a server action (best effort: the refusal stands whatever happens here). */
async function auditActionRefusal(minRole: Role): Promise<void> {
  try {
    const who = await currentActor();
    if (!who) return;
    const h = await headers();
    const action = h.get("next-action") ?? "server-action";
    await auditAccessRefused(
      await getDb(),
      who,
      { kind: "action", action, path: pathOf(h.get("referer") ?? "") },
      minRole,
    );
  } catch {
    // Outside a request (tests calling the wrapper directly) there are no headers to name the action by.
  }
}

function invalidText(
  opts: { fields?: readonly string[]; invalid?: string | ((error: z.ZodError) => string) },
  error: z.ZodError,
): string {
  if (typeof opts.invalid === "function") return opts.invalid(error);
  if (opts.invalid) return opts.invalid;
  return opts.fields ? "Check the highlighted fields." : `Invalid input (${formatIssues(error)}).`;
}

/**
 * `defineAction({ role, input, fields?, invalid?, revalidate? }, async ({ actor, input }) => result)` gives
 * `(raw) => Promise<result | Failure>`: the role check first (so a refusal never depends on the input),
 * then the parsed input, then the work. The exported `"use server"` function adapts its own arguments.
 */
export function defineAction<S extends z.ZodType, R extends Result<object>, Min extends Role | undefined = undefined>(
  opts: ActionOptions<S, Min>,
  run: (ctx: ActionContext<S, Min>) => Promise<R>,
): (raw: unknown) => Promise<R | Failure> {
  return async (raw) => {
    let actor: Actor | null = null;
    if (opts.role) {
      const checked = await actorOrRefusal(opts.role, opts.allowTemporaryPassword);
      if ("ok" in checked) return checked;
      actor = checked;
    }
    const parsed = opts.input.safeParse(raw);
    if (!parsed.success) {
      const error = invalidText(opts, parsed.error);
      return opts.fields
        ? { ok: false, status: 400, error, fieldErrors: fieldErrorsOf(parsed.error, opts.fields) }
        : { ok: false, status: 400, error };
    }
    const result = await run({ actor, input: parsed.data } as ActionContext<S, Min>);
    const paths = typeof opts.revalidate === "function" ? opts.revalidate(parsed.data) : (opts.revalidate ?? []);
    for (const path of paths) revalidatePath(path);
    if (!result.ok && opts.fields && result.field && opts.fields.includes(result.field) && !result.fieldErrors) {
      return { ...result, fieldErrors: { [result.field]: result.error } };
    }
    return result;
  };
}
