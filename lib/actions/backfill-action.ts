"use server";
// "Fetch missed Stripe events" on the Events page: the Stripe events backfill, now, from the cursor of the
// last run (or `since`). Admin role; the same operation as POST /api/admin/backfill/stripe.
import { z } from "zod";
import { backfillStripeNow } from "@/lib/backfill/run";
import type { BackfillResult } from "@/lib/backfill/stripe-events";
import { sinceField } from "@/lib/backfill/since";
import { defineAction } from "./safe-action";

export type BackfillActionResult = BackfillResult;

const backfill = defineAction(
  {
    role: "admin",
    input: z.object({ since: sinceField.optional() }),
    revalidate: ["/events", "/"],
  },
  async ({ actor, input }) => backfillStripeNow(actor, { since: input.since }),
);

export async function backfillStripeAction(since?: string): Promise<BackfillActionResult> {
  return backfill(since === undefined ? {} : { since });
}
