"use server";
// "Unlink" on the customer page: removes an email match or a link made by hand (admin).
import { z } from "zod";
import { getDb } from "@/db";
import { LINKABLE_SYSTEMS, unlinkIdentity, type IdentityTarget } from "@/lib/commands/customers";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

export type UnlinkIdentityResult = Result<{ message: string }>;

const unlink = defineAction(
  {
    role: "admin",
    input: z.object({
      appUserId: z.string().trim().min(1).max(200),
      system: z.enum(LINKABLE_SYSTEMS),
      externalId: z.string().trim().min(1).max(200),
    }),
    invalid: "The link to remove is incomplete. Reload the page and try again.",
    revalidate: ({ appUserId }) => [`/customers/${encodeURIComponent(appUserId)}`, "/customers"],
  },
  async ({ actor, input }) => {
    const result = await unlinkIdentity(await getDb(), actor, input);
    return result.ok ? { ok: true, message: result.message } : result;
  },
);

export async function unlinkIdentityAction(raw: IdentityTarget): Promise<UnlinkIdentityResult> {
  return unlink(raw);
}
