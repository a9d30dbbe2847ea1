"use server";
// Re-runs the Readiness page's network checks (Stripe, HubSpot, Zendesk, DNS, TLS) now instead of reusing the
// last minute's results. Admin role: a viewer's page load never triggers outbound calls beyond one run a minute.
import { z } from "zod";
import { rerunNetworkChecks } from "@/lib/readiness/cache";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

const rerun = defineAction({ role: "admin", input: z.object({}), revalidate: ["/readiness"] }, async () => {
  const checkedAt = await rerunNetworkChecks();
  return { ok: true as const, checkedAt: checkedAt.toISOString() };
});

export async function rerunReadinessAction(): Promise<Result<{ checkedAt: string }>> {
  return rerun({});
}
