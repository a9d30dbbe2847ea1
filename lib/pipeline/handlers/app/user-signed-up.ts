// user.signed_up → exactly one customer per app user id, its app identity, and the HubSpot contact.
import { upsertAppCustomer } from "@/db/queries/identities";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import type { AppPayload, Handler } from "@/lib/pipeline/engine/types";
import { STEP } from "@/lib/pipeline/engine/step-names";

type SignedUp = Extract<AppPayload, { type: "user.signed_up" }>;

export const userSignedUp: Handler<SignedUp> = {
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
          signedUpAt: new Date(d.createdAt ?? ctx.payload.created),
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
