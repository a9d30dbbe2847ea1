"use server";
// "Confirm match" on the customer page: an email match becomes a verified link (admin).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { actionActor, isRefusal } from "./safe-action";
import { confirmIdentity, LINKABLE_SYSTEMS, type IdentityTarget } from "@/lib/commands/customers";

export type ConfirmIdentityResult = { ok: true; message: string } | { ok: false; status: number; error: string };

const input = z.object({
  appUserId: z.string().trim().min(1).max(200),
  system: z.enum(LINKABLE_SYSTEMS),
  externalId: z.string().trim().min(1).max(200),
});

export async function confirmIdentityAction(raw: IdentityTarget): Promise<ConfirmIdentityResult> {
  const actor = await actionActor("admin");
  if (isRefusal(actor)) return actor;
  const parsed = input.safeParse(raw);
  if (!parsed.success) return { ok: false, status: 400, error: "The link to confirm is incomplete. Reload the page and try again." };
  const result = await confirmIdentity(await getDb(), actor, parsed.data);
  revalidatePath(`/customers/${encodeURIComponent(parsed.data.appUserId)}`);
  revalidatePath("/customers");
  return result.ok ? { ok: true, message: result.message } : { ok: false, status: result.status, error: result.error };
}
