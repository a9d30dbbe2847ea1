"use server";
// "Sign out everywhere else" on the Account page: ends every session of the signed-in user but this one.
import { z } from "zod";
import { getDb } from "@/db";
import { signOutOtherSessions } from "@/lib/commands/account";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

export type SignOutOthersResult = Result<{ message: string }>;

const signOutOthers = defineAction(
  { role: "viewer", input: z.object({}).strict(), revalidate: ["/account"] },
  async ({ actor }) => {
    const result = await signOutOtherSessions(await getDb(), actor);
    return result.ok ? { ok: true, message: result.message } : result;
  },
);

export async function signOutOthersAction(): Promise<SignOutOthersResult> {
  return signOutOthers({});
}
