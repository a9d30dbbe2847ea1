"use server";
// The Drift page's buttons: "Check now" (compare every customer with Stripe, HubSpot and Zendesk now),
// "Repair" (one difference) and "Repair all" (admin; audited by the operations).
import { z } from "zod";
import { getDb } from "@/db";
import { checkDriftNow, repairDrift } from "@/lib/commands/drift";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

export type DriftActionResult = Result<{ message: string }>;

const check = defineAction(
  { role: "admin", input: z.object({}), invalid: "Nothing to send.", revalidate: () => ["/drift", "/"] },
  async ({ actor }) => {
    const result = await checkDriftNow(await getDb(), actor);
    return result.ok ? { ok: true, message: result.message } : result;
  },
);

const repair = defineAction(
  {
    role: "admin",
    input: z.union([z.object({ id: z.uuid() }), z.object({ all: z.literal(true) })]),
    invalid: "Which difference? Reload the page and try again.",
    revalidate: () => ["/drift", "/"],
  },
  async ({ actor, input }) => {
    const result = await repairDrift(await getDb(), actor, "id" in input ? input.id : "all");
    return result.ok ? { ok: true, message: result.message } : result;
  },
);

export async function checkDriftAction(): Promise<DriftActionResult> {
  return check({});
}

export async function repairDriftAction(raw: { id: string } | { all: true }): Promise<DriftActionResult> {
  return repair(raw);
}
