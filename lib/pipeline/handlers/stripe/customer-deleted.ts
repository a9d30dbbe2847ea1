// customer.deleted → the Stripe customer is gone: its link to our customer is removed (the event stays on
// the customer's timeline) and HubSpot's Stripe customer id is cleared. A Stripe customer we never linked
// has nothing to unlink: the event is skipped, not failed.
import { customerByIdentity, customerWithEntitlement, deleteIdentity, identityLink } from "@/db/queries/identities";
import { customerFrom, type ResolvedCustomer } from "@/lib/pipeline/steps/resolve-identity";
import { syncCrmStep } from "@/lib/pipeline/steps/sync-crm";
import type { Handler, StripePayload } from "@/lib/pipeline/engine/types";
import { STEP } from "@/lib/pipeline/engine/step-names";
import { onlyWhen, resolved } from "./guards";

type Obj = Record<string, unknown>;
const stripeCustomerId = (p: StripePayload) => String((p.data.object as unknown as Obj).id);
const NOT_LINKED = "this Stripe customer was never linked to a customer";

export const customerDeleted: Handler<StripePayload> = {
  customerKey: (p) => `stripe:${stripeCustomerId(p)}`,
  steps: [
    {
      name: STEP.resolveIdentity,
      run: async (ctx) => {
        // Unlinked on an earlier run (a replay): the event already names its customer.
        const linked =
          (await customerByIdentity(ctx.db, "stripe", stripeCustomerId(ctx.payload))) ??
          (ctx.event.customerId ? (await customerWithEntitlement(ctx.db, ctx.event.customerId))?.customer : undefined);
        if (!linked) return { skipped: true, output: { reason: NOT_LINKED } };
        await ctx.setCustomer(linked.id);
        const output: ResolvedCustomer = {
          customerId: linked.id,
          appUserId: linked.appUserId,
          email: linked.email,
          name: linked.name,
        };
        return { externalRef: linked.appUserId, output };
      },
    },
    onlyWhen(resolved, NOT_LINKED, {
      name: STEP.unlinkIdentity,
      run: async (ctx) => {
        const id = stripeCustomerId(ctx.payload);
        const link = await identityLink(ctx.db, customerFrom(ctx).customerId, "stripe");
        if (link?.externalId !== id) return { skipped: true, output: { reason: `${id} is no longer linked` } };
        await deleteIdentity(ctx.db, link.id);
        return { externalRef: id, output: { unlinked: id } };
      },
    }),
    onlyWhen(
      resolved,
      NOT_LINKED,
      syncCrmStep(() => ({ app_stripe_customer_id: null })),
    ),
  ],
};
