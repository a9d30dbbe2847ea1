"use server";
// "Change your password" form on the Account page (useActionState): any signed-in user, including one with a
// temporary password (the one action they may run); errors come back per field, never a password.
import { headers } from "next/headers";
import { getDb } from "@/db";
import { clientAddress } from "@/lib/auth/client-address";
import { changeOwnPassword, changePasswordSchema } from "@/lib/commands/account";
import { formState, type FormState } from "@/lib/result";
import { defineAction } from "./safe-action";

export type ChangePasswordState = FormState<{ message: string }, Record<string, never>>;

const change = defineAction(
  {
    role: "viewer",
    allowTemporaryPassword: true,
    input: changePasswordSchema,
    fields: ["currentPassword", "newPassword", "confirmPassword"],
    revalidate: ["/account"],
  },
  async ({ actor, input }) => {
    const result = await changeOwnPassword(await getDb(), actor, input, clientAddress(await headers()));
    return result.ok ? { ok: true, message: result.message } : result;
  },
);

export async function changePasswordAction(_prev: ChangePasswordState, form: FormData): Promise<ChangePasswordState> {
  const raw = {
    currentPassword: String(form.get("currentPassword") ?? ""),
    newPassword: String(form.get("newPassword") ?? ""),
    confirmPassword: String(form.get("confirmPassword") ?? ""),
  };
  return formState(await change(raw), {});
}
