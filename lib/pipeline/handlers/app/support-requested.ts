// support.requested → exactly one Zendesk ticket per client request id, with the requester linked and
// the context an agent needs without asking (plan, entitlement, platform, OS, app version, device, …).
import { notifySupportStep } from "@/lib/pipeline/steps/notify-app";
import { STEP } from "@/lib/pipeline/engine/step-names";
import { resolveAppIdentityStep } from "@/lib/pipeline/steps/resolve-identity";
import { createTicketStep } from "@/lib/pipeline/steps/create-ticket";
import type { AppPayload, Handler } from "@/lib/pipeline/engine/types";

type SupportRequested = Extract<AppPayload, { type: "support.requested" }>;

export const supportRequested: Handler<SupportRequested> = {
  customerKey: (p) => `app:${p.data.userId}`,
  steps: [
    // The email the phone sends is the one the customer can be answered at.
    resolveAppIdentityStep((p) => ({ appUserId: p.data.userId, email: p.data.email })),
    createTicketStep,
    notifySupportStep(STEP.createTicket),
  ],
};
