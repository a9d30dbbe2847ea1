"use server";
// "Add a user" form on the Users page (useActionState): owners only; errors come back per field.
import { getDb } from "@/db";
import { addUser, newUserSchema } from "@/lib/commands/users";
import { formState, type FormState } from "@/lib/result";
import { defineAction } from "./safe-action";

/** What was typed comes back after a failure (never the password), to refill the form. */
export type AddUserState = FormState<{ message: string }, { email: string; role: string }>;

const add = defineAction(
  { role: "owner", input: newUserSchema, fields: ["email", "password", "role"], revalidate: ["/users"] },
  async ({ actor, input }) => {
    const result = await addUser(await getDb(), actor, input);
    return result.ok ? { ok: true, message: result.message } : result;
  },
);

export async function addUserAction(_prev: AddUserState, form: FormData): Promise<AddUserState> {
  const raw = {
    email: String(form.get("email") ?? ""),
    password: String(form.get("password") ?? ""),
    role: String(form.get("role") ?? ""),
  };
  return formState(await add(raw), { email: raw.email, role: raw.role });
}
