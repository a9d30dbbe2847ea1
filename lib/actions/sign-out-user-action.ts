"use server";
// "Sign out everywhere" for one user on the Users page (owners only): ends every session of theirs.
import { z } from "zod";
import { getDb } from "@/db";
import { signOutUserEverywhere } from "@/lib/commands/account";
import type { Result } from "@/lib/result";
import { firstIssueMessage } from "@/lib/schemas/issues";
import { defineAction } from "./safe-action";

export type SignOutUserResult = Result<{ message: string }>;

const signOutUser = defineAction(
  {
    role: "owner",
    input: z.object({ userId: z.uuid("Unknown user.") }),
    invalid: (error) => firstIssueMessage(error, "Unknown user."),
    revalidate: ["/users", "/account"],
  },
  async ({ actor, input }) => {
    const result = await signOutUserEverywhere(await getDb(), actor, input);
    return result.ok ? { ok: true, message: result.message } : result;
  },
);

export async function signOutUserAction(raw: { userId: string }): Promise<SignOutUserResult> {
  return signOutUser(raw);
}
