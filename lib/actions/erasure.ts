"use server";
// "Erase this person" on the customer page's Privacy card: owner only (the role is checked before the input),
// the typed confirmation must name the person (app user id or email), then the erasure starts and the page goes
// to its receipt. The erasure command audits it (customer.erasure_requested).
import { z } from "zod";
import { getDb } from "@/db";
import { requestErasure } from "@/lib/erasure/export";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

export type EraseCustomerActionResult = Result<{ erasureId: string; eventId: string }>;

const run = defineAction(
  {
    role: "owner",
    input: z.object({
      appUserId: z.string().trim().min(1).max(200),
      confirm: z.string().max(500),
      reason: z.string().trim().max(500).optional(),
    }),
    fields: ["confirm", "reason"],
    revalidate: ({ appUserId }) => [`/customers/${encodeURIComponent(appUserId)}`, "/erasures"],
  },
  async ({ actor, input }) => requestErasure(await getDb(), actor, input),
);

export async function eraseCustomerAction(raw: {
  appUserId: string;
  confirm: string;
  reason?: string;
}): Promise<EraseCustomerActionResult> {
  return run(raw);
}
