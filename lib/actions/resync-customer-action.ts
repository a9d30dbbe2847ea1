"use server";
// "Re-sync to CRM" on the customer page: writes the customer's record to their HubSpot contact (admin).
import { z } from "zod";
import { getDb } from "@/db";
import { resyncCustomerToCrm } from "@/lib/commands/customers";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

export type ResyncCustomerResult = Result<{ message: string; contactId: string }>;

const resync = defineAction(
  {
    role: "admin",
    input: z.object({ appUserId: z.string().trim().min(1).max(200) }),
    invalid: "Which customer? The app user id is missing.",
    revalidate: ({ appUserId }) => [`/customers/${encodeURIComponent(appUserId)}`, "/customers"],
  },
  async ({ actor, input }) => {
    const result = await resyncCustomerToCrm(await getDb(), actor, input.appUserId);
    return result.ok ? { ok: true, message: result.message, contactId: result.contactId } : result;
  },
);

export async function resyncCustomerAction(raw: { appUserId: string }): Promise<ResyncCustomerResult> {
  return resync(raw);
}
