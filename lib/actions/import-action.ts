"use server";
// "Import existing Stripe customers" on the Customers page: one run of the adoption import (admin); the same
// operation as POST /api/admin/import/stripe.
import { z } from "zod";
import { importStripeNow, type ImportRun } from "@/lib/backfill/stripe-import";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

export type ImportActionResult = Result<ImportRun>;

const runImport = defineAction(
  { role: "admin", input: z.object({}), revalidate: ["/customers", "/"] },
  async ({ actor }) => importStripeNow(actor),
);

export async function importStripeAction(): Promise<ImportActionResult> {
  return runImport({});
}
