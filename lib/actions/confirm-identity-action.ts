"use server";
// "Confirm match" on the customer page: an email match becomes a verified link (admin).
import { z } from "zod";
import { getDb } from "@/db";
import { confirmIdentity, LINKABLE_SYSTEMS, type IdentityTarget } from "@/lib/commands/customers";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

export type ConfirmIdentityResult = Result<{ message: string }>;

const confirm = defineAction(
  {
    role: "admin",
    input: z.object({
      appUserId: z.string().trim().min(1).max(200),
      system: z.enum(LINKABLE_SYSTEMS),
      externalId: z.string().trim().min(1).max(200),
    }),
    invalid: "The link to confirm is incomplete. Reload the page and try again.",
    revalidate: ({ appUserId }) => [`/customers/${encodeURIComponent(appUserId)}`, "/customers"],
  },
  async ({ actor, input }) => {
    const result = await confirmIdentity(await getDb(), actor, input);
    return result.ok ? { ok: true, message: result.message } : result;
  },
);

export async function confirmIdentityAction(raw: IdentityTarget): Promise<ConfirmIdentityResult> {
  return confirm(raw);
}
