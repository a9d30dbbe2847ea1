// user.signed_up → exactly one customer per app user id, its app identity, and the HubSpot contact.
import { notifyEntitlementStep } from "@/lib/pipeline/steps/notify-app";
import { resolveAppIdentityStep } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import type { AppPayload, Handler } from "@/lib/pipeline/engine/types";

type SignedUp = Extract<AppPayload, { type: "user.signed_up" }>;

export const userSignedUp: Handler<SignedUp> = {
  customerKey: (p) => `app:${p.data.userId}`,
  steps: [
    resolveAppIdentityStep((p) => ({
      appUserId: p.data.userId,
      email: p.data.email,
      name: p.data.name,
      emailVerified: p.data.emailVerified,
      signedUpAt: new Date(p.data.createdAt ?? p.created),
      asOf: new Date(p.created),
    })),
    syncCrmStep(),
    notifyEntitlementStep(),
  ],
};
