// user.updated → the customer's fields (only when newer than the last change applied), then HubSpot follows.
import { upsertAppCustomer } from "@/db/queries/identities";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import type { AppPayload, Handler } from "@/lib/pipeline/engine/types";
import { STEP } from "@/lib/pipeline/engine/step-names";

type Updated = Extract<AppPayload, { type: "user.updated" }>;

export const userUpdated: Handler<Updated> = {
  customerKey: (p) => `app:${p.data.userId}`,
  steps: [
    {
      name: STEP.resolveIdentity,
      run: async (ctx) => {
        const d = ctx.payload.data;
        const customer = await upsertAppCustomer(ctx.db, {
          appUserId: d.userId,
          email: d.email,
          name: d.name,
          asOf: new Date(ctx.payload.created),
        });
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
    syncCrmStep(),
  ],
};
