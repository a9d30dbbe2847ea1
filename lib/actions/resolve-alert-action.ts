"use server";
// Resolves an open or acknowledged alert from the console. Admin role; audited; resolving twice is a no-op.
import { z } from "zod";
import { getDb } from "@/db";
import { resolveAlert } from "@/lib/commands/alerts";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

const resolve = defineAction(
  { role: "admin", input: z.object({ alertId: z.uuid("The alert id must be a UUID.") }), revalidate: ["/alerts"] },
  async ({ actor, input }) => {
    const result = await resolveAlert(await getDb(), actor, input.alertId);
    return result.ok ? { ok: true, alertId: result.alertId, changed: result.changed } : result;
  },
);

export async function resolveAlertAction(alertId: string): Promise<Result<{ alertId: string; changed: boolean }>> {
  return resolve({ alertId });
}
