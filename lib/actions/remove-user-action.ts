"use server";
// Removes a console user from the Users page (owners only; never yourself, never the last owner).
import { z } from "zod";
import { getDb } from "@/db";
import { removeUser } from "@/lib/commands/users";
import type { Result } from "@/lib/result";
import { firstIssueMessage } from "@/lib/schemas/issues";
import { defineAction } from "./safe-action";

export type RemoveUserResult = Result<{ message: string }>;

const remove = defineAction(
  {
    role: "owner",
    input: z.object({ userId: z.uuid("Unknown user.") }),
    invalid: (error) => firstIssueMessage(error, "Unknown user."),
    revalidate: ["/users"],
  },
  async ({ actor, input }) => {
    const result = await removeUser(await getDb(), actor, input);
    return result.ok ? { ok: true, message: result.message } : result;
  },
);

export async function removeUserAction(raw: { userId: string }): Promise<RemoveUserResult> {
  return remove(raw);
}
