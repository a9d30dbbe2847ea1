"use server";
// Resolves an open or acknowledged alert from the console. Admin role; audited; resolving twice is a no-op.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { resolveAlert } from "@/lib/commands/alerts";
import { adminAction, type ActionResult } from "./safe-action";

const input = z.object({ alertId: z.uuid("The alert id must be a UUID.") });

export async function resolveAlertAction(alertId: string): Promise<ActionResult<{ alertId: string; changed: boolean }>> {
  return adminAction(input, { alertId }, async (actor, data) => {
    const result = await resolveAlert(await getDb(), actor, data.alertId);
    revalidatePath("/alerts");
    if (!result.ok) return result;
    return { ok: true, alertId: result.alertId, changed: result.changed };
  });
}
