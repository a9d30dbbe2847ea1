// support.requested → exactly one Zendesk ticket per client request id, with the requester linked and
// the context an agent needs without asking (plan, entitlement, platform, OS, app version, device, …).
import { upsertAppCustomer } from "@/db/queries/identities";
import { createTicketStep } from "@/lib/pipeline/steps/create-ticket";
import type { AppPayload, Handler } from "@/lib/pipeline/engine/types";
import { STEP } from "@/lib/pipeline/engine/step-names";

type SupportRequested = Extract<AppPayload, { type: "support.requested" }>;

export const supportRequested: Handler<SupportRequested> = {
  customerKey: (p) => `app:${p.data.userId}`,
  steps: [
    {
      name: STEP.resolveIdentity,
      run: async (ctx) => {
        const d = ctx.payload.data;
        const customer = await upsertAppCustomer(ctx.db, { appUserId: d.userId, email: d.email });
        await ctx.setCustomer(customer.id);
        return {
          externalRef: d.userId,
          output: {
            customerId: customer.id,
            appUserId: customer.appUserId,
            email: customer.email,
            name: customer.name,
          },
        };
      },
    },
    createTicketStep,
  ],
};
