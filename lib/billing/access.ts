// What an entitlement status means for the customer: one answer to "may they use the paid product?"
// and one sentence for past_due (PAST_DUE_ACCESS), shared by the customer page, the alert texts and their
// notifications, and the admin API.
import type { Entitlement } from "@/db/schema";
import { env } from "@/lib/env";

export type EntitlementStatus = Entitlement["status"];
export type PastDueAccess = "keep" | "pause";

/** Whether the status grants paid access; past_due follows PAST_DUE_ACCESS (default keep). */
export function hasAccess(status: EntitlementStatus, pastDue: PastDueAccess = env.PAST_DUE_ACCESS): boolean {
  if (status === "active" || status === "trialing") return true;
  if (status === "past_due") return pastDue === "keep";
  return false;
}

/** What past_due means for access, in one sentence. */
export function pastDueSentence(pastDue: PastDueAccess = env.PAST_DUE_ACCESS): string {
  return pastDue === "keep"
    ? "Access continues while Stripe retries the payment."
    : "Access is paused until the payment succeeds.";
}
