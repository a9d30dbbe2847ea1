// user.updated → the customer's fields (only when newer than the last change applied), then HubSpot follows.
import { notifyEntitlementStep } from "@/lib/pipeline/steps/notify-app";
import { resolveAppIdentityStep } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import type { AppPayload, Handler } from "@/lib/pipeline/engine/types";

type Updated = Extract<AppPayload, { type: "user.updated" }>;

export const userUpdated: Handler<Updated> = {
  customerKey: (p) => `app:${p.data.userId}`,
  steps: [
    resolveAppIdentityStep((p) => ({
      appUserId: p.data.userId,
      email: p.data.email,
      name: p.data.name,
      emailVerified: p.data.emailVerified,
      asOf: new Date(p.created),
    })),
    syncCrmStep(),
    notifyEntitlementStep(),
  ],
};
