"use server";
// Removes a console user from the Users page (owners only; never yourself, never the last owner).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { actionActor, isRefusal } from "./safe-action";
import { removeUser } from "@/lib/commands/users";

export type RemoveUserResult = { ok: true; message: string } | { ok: false; status: number; error: string };

const input = z.object({ userId: z.uuid("Unknown user.") });

export async function removeUserAction(raw: { userId: string }): Promise<RemoveUserResult> {
  const actor = await actionActor("owner");
  if (isRefusal(actor)) return actor;
  const parsed = input.safeParse(raw);
  if (!parsed.success) return { ok: false, status: 400, error: parsed.error.issues[0]?.message ?? "Unknown user." };
  const result = await removeUser(await getDb(), actor, parsed.data);
  revalidatePath("/users");
  return result.ok ? { ok: true, message: result.message } : { ok: false, status: result.status, error: result.error };
}
