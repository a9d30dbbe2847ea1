"use server";
// "Confirm: it's them" / "Not the same person" on a payment claimed by an app user with an unverified email
// (admin).
import { z } from "zod";
import { getDb } from "@/db";
import { type ClaimTarget, confirmClaim, rejectClaim } from "@/lib/commands/claims";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

export type ClaimResult = Result<{ message: string }>;

const claimInput = z.object({
  provisionalKey: z.string().trim().startsWith("stripe:").max(200),
  appUserId: z.string().trim().min(1).max(200),
});
const pages = ({ provisionalKey, appUserId }: ClaimTarget) => [
  `/customers/${encodeURIComponent(provisionalKey)}`,
  `/customers/${encodeURIComponent(appUserId)}`,
  "/customers",
];

const confirm = defineAction(
  {
    role: "admin",
    input: claimInput,
    invalid: "The claim to confirm is incomplete. Reload the page and try again.",
    revalidate: pages,
  },
  async ({ actor, input }) => {
    const result = await confirmClaim(await getDb(), actor, input);
    return result.ok ? { ok: true, message: result.message } : result;
  },
);

const reject = defineAction(
  {
    role: "admin",
    input: claimInput,
    invalid: "The claim to reject is incomplete. Reload the page and try again.",
    revalidate: pages,
  },
  async ({ actor, input }) => {
    const result = await rejectClaim(await getDb(), actor, input);
    return result.ok ? { ok: true, message: result.message } : result;
  },
);

export async function confirmClaimAction(raw: ClaimTarget): Promise<ClaimResult> {
  return confirm(raw);
}

export async function rejectClaimAction(raw: ClaimTarget): Promise<ClaimResult> {
  return reject(raw);
}
