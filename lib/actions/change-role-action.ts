"use server";
// Changes a console user's role from the Users page (owners only; the last owner stays owner).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { userRole, type Role } from "@/db/schema";
import { actionActor, isRefusal } from "./safe-action";
import { changeUserRole } from "@/lib/commands/users";

export type ChangeRoleResult = { ok: true; message: string; role: Role } | { ok: false; status: number; error: string };

const input = z.object({ userId: z.uuid("Unknown user."), role: z.enum(userRole.enumValues, "Choose owner, admin or viewer.") });

export async function changeRoleAction(raw: { userId: string; role: string }): Promise<ChangeRoleResult> {
  const actor = await actionActor("owner");
  if (isRefusal(actor)) return actor;
  const parsed = input.safeParse(raw);
  if (!parsed.success) return { ok: false, status: 400, error: parsed.error.issues[0]?.message ?? "Check the role." };
  const result = await changeUserRole(await getDb(), actor, parsed.data);
  revalidatePath("/users");
  return result.ok ? { ok: true, message: result.message, role: result.user.role } : { ok: false, status: result.status, error: result.error };
}
