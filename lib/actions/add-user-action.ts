"use server";
// "Add a user" form on the Users page (useActionState): owners only; errors come back per field.
import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { actionActor, isRefusal } from "./safe-action";
import { addUser, newUserSchema } from "@/lib/commands/users";

type Field = "email" | "password" | "role";
export type AddUserState = {
  ok?: boolean;
  status?: number;
  message?: string;
  error?: string;
  fieldErrors?: Partial<Record<Field, string>>;
  /** What was typed (never the password), to refill the form after an error. */
  values?: { email: string; role: string };
  at?: number;
};

const FIELDS: readonly string[] = ["email", "password", "role"];

export async function addUserAction(_prev: AddUserState, form: FormData): Promise<AddUserState> {
  const raw = { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? ""), role: String(form.get("role") ?? "") };
  const values = { email: raw.email, role: raw.role };
  const at = Date.now();
  const actor = await actionActor("owner");
  if (isRefusal(actor)) return { ...actor, values, at };
  const parsed = newUserSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: AddUserState["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]) as Field;
      if (FIELDS.includes(key) && !fieldErrors[key]) fieldErrors[key] = issue.message;
    }
    return { ok: false, status: 400, error: "Check the highlighted fields.", fieldErrors, values, at };
  }
  const result = await addUser(await getDb(), actor, parsed.data);
  if (!result.ok) {
    const field = result.field && FIELDS.includes(result.field) ? (result.field as Field) : undefined;
    return { ok: false, status: result.status, error: result.error, fieldErrors: field ? { [field]: result.error } : undefined, values, at };
  }
  revalidatePath("/users");
  return { ok: true, message: result.message, at };
}
