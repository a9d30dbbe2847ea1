"use server";
// "Unlink" on the customer page: removes an email match or a link made by hand (admin).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { actionActor, isRefusal } from "./safe-action";
import { LINKABLE_SYSTEMS, unlinkIdentity, type IdentityTarget } from "@/lib/commands/customers";

export type UnlinkIdentityResult = { ok: true; message: string } | { ok: false; status: number; error: string };

const input = z.object({
  appUserId: z.string().trim().min(1).max(200),
  system: z.enum(LINKABLE_SYSTEMS),
  externalId: z.string().trim().min(1).max(200),
});

export async function unlinkIdentityAction(raw: IdentityTarget): Promise<UnlinkIdentityResult> {
  const actor = await actionActor("admin");
  if (isRefusal(actor)) return actor;
  const parsed = input.safeParse(raw);
  if (!parsed.success) return { ok: false, status: 400, error: "The link to remove is incomplete. Reload the page and try again." };
  const result = await unlinkIdentity(await getDb(), actor, parsed.data);
  revalidatePath(`/customers/${encodeURIComponent(parsed.data.appUserId)}`);
  revalidatePath("/customers");
  return result.ok ? { ok: true, message: result.message } : { ok: false, status: result.status, error: result.error };
}
