"use server";
// Acknowledges an open alert from the console ("someone is on it"). Admin role; audited.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { acknowledgeAlert } from "@/lib/commands/alerts";
import { adminAction, type ActionResult } from "./safe-action";

const input = z.object({ alertId: z.uuid("The alert id must be a UUID.") });

export async function acknowledgeAlertAction(alertId: string): Promise<ActionResult<{ alertId: string; changed: boolean }>> {
  return adminAction(input, { alertId }, async (actor, data) => {
    const result = await acknowledgeAlert(await getDb(), actor, data.alertId);
    revalidatePath("/alerts");
    if (!result.ok) return result;
    return { ok: true, alertId: result.alertId, changed: result.changed };
  });
}
