"use server";
// Changes a console user's role from the Users page (owners only; the last owner stays owner).
import { z } from "zod";
import { getDb } from "@/db";
import { userRole, type Role } from "@/db/schema";
import { changeUserRole } from "@/lib/commands/users";
import type { Result } from "@/lib/result";
import { firstIssueMessage } from "@/lib/schemas/issues";
import { defineAction } from "./safe-action";

export type ChangeRoleResult = Result<{ message: string; role: Role }>;

const change = defineAction(
  {
    role: "owner",
    input: z.object({
      userId: z.uuid("Unknown user."),
      role: z.enum(userRole.enumValues, "Choose owner, admin or viewer."),
    }),
    invalid: (error) => firstIssueMessage(error, "Check the role."),
    revalidate: ["/users"],
  },
  async ({ actor, input }) => {
    const result = await changeUserRole(await getDb(), actor, input);
    return result.ok ? { ok: true, message: result.message, role: result.user.role } : result;
  },
);

export async function changeRoleAction(raw: { userId: string; role: string }): Promise<ChangeRoleResult> {
  return change(raw);
}
