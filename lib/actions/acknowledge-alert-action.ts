"use server";
// Acknowledges an open alert from the console ("someone is on it"). Admin role; audited.
import { z } from "zod";
import { getDb } from "@/db";
import { acknowledgeAlert } from "@/lib/commands/alerts";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

const acknowledge = defineAction(
  { role: "admin", input: z.object({ alertId: z.uuid("The alert id must be a UUID.") }), revalidate: ["/alerts"] },
  async ({ actor, input }) => {
    const result = await acknowledgeAlert(await getDb(), actor, input.alertId);
    return result.ok ? { ok: true, alertId: result.alertId, changed: result.changed } : result;
  },
);

export async function acknowledgeAlertAction(alertId: string): Promise<Result<{ alertId: string; changed: boolean }>> {
  return acknowledge({ alertId });
}
