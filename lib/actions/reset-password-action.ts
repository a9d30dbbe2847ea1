"use server";
// "Reset password" on the Users page (owners only; never yourself): answers the temporary password once.
import { z } from "zod";
import { getDb } from "@/db";
import { resetUserPassword } from "@/lib/commands/account";
import type { Result } from "@/lib/result";
import { firstIssueMessage } from "@/lib/schemas/issues";
import { defineAction } from "./safe-action";

export type ResetPasswordResult = Result<{ message: string; temporaryPassword: string }>;

const reset = defineAction(
  {
    role: "owner",
    input: z.object({ userId: z.uuid("Unknown user.") }),
    invalid: (error) => firstIssueMessage(error, "Unknown user."),
    revalidate: ["/users"],
  },
  async ({ actor, input }) => {
    const result = await resetUserPassword(await getDb(), actor, input);
    return result.ok ? { ok: true, message: result.message, temporaryPassword: result.temporaryPassword } : result;
  },
);

export async function resetPasswordAction(raw: { userId: string }): Promise<ResetPasswordResult> {
  return reset(raw);
}
