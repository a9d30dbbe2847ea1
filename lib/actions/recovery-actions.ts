"use server";
// The "Recover payment" card's buttons on the customer page: send the card-update link, retry the payment now,
// resend the receipt (admin; each recorded in recovery_actions and audited by the operation).
import { headers } from "next/headers";
import { z } from "zod";
import { getDb } from "@/db";
import { publicOrigin } from "@/lib/billing/recovery-link";
import { RECOVERY_KINDS, type RecoveryActionView, runRecoveryAction } from "@/lib/commands/recovery";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

export type RecoveryActionResult = Result<{ message: string; action: RecoveryActionView; repeated: boolean }>;

/** The origin the console is being used on (our link's base when APP_URL is not set). */
async function requestOrigin(): Promise<string | undefined> {
  const h = await headers();
  const host = h.get("host");
  if (!host) return undefined;
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ? "https" : "http";
  return `${proto}://${host}`;
}

const run = defineAction(
  {
    role: "admin",
    input: z.object({ appUserId: z.string().trim().min(1).max(200), kind: z.enum(RECOVERY_KINDS) }),
    invalid: "Which action, for which customer? Reload the page and try again.",
    revalidate: ({ appUserId }) => [`/customers/${encodeURIComponent(appUserId)}`],
  },
  async ({ actor, input }) => {
    const result = await runRecoveryAction(await getDb(), actor, {
      appUserId: input.appUserId,
      kind: input.kind,
      origin: publicOrigin(await requestOrigin()),
    });
    if (!result.ok) return result;
    return { ok: true, message: result.message, action: result.action, repeated: result.repeated };
  },
);

export async function runRecoveryActionAction(raw: {
  appUserId: string;
  kind: (typeof RECOVERY_KINDS)[number];
}): Promise<RecoveryActionResult> {
  return run(raw);
}
