"use server";
// "Re-sync to CRM" on the customer page: writes the customer's record to their HubSpot contact (admin).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { actionActor, isRefusal } from "./safe-action";
import { resyncCustomerToCrm } from "@/lib/commands/customers";

export type ResyncCustomerResult = { ok: true; message: string; contactId: string } | { ok: false; status: number; error: string };

const input = z.object({ appUserId: z.string().trim().min(1).max(200) });

export async function resyncCustomerAction(raw: { appUserId: string }): Promise<ResyncCustomerResult> {
  const actor = await actionActor("admin");
  if (isRefusal(actor)) return actor;
  const parsed = input.safeParse(raw);
  if (!parsed.success) return { ok: false, status: 400, error: "Which customer? The app user id is missing." };
  const result = await resyncCustomerToCrm(await getDb(), actor, parsed.data.appUserId);
  revalidatePath(`/customers/${encodeURIComponent(parsed.data.appUserId)}`);
  revalidatePath("/customers");
  return result.ok ? { ok: true, message: result.message, contactId: result.contactId } : { ok: false, status: result.status, error: result.error };
}
