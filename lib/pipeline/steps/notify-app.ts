// `notify-app`: tells the app's backend (APP_CALLBACK_URL) what changed, as a step of its own so that it
// is retried with backoff, shown on the event's timeline and replayable. At least once, with a stable id
// per change (the event's id) that the receiver dedupes on. The callback carries the state as it is when
// sent, never a diff: one customer's events run one at a time, and should a retry of an older change
// arrive after a newer one, it still says the newest state (its `created` tells the receiver which is newer).
import { eq } from "drizzle-orm";
import { customers, supportTickets } from "@/db/schema";
import { entitlementOf } from "@/db/queries/entitlements";
import { hasAccess } from "@/lib/billing/access";
import type { AppCallback } from "@/lib/app-events/callback";
import { STEP } from "../engine/step-names";
import type { Step, StepContext, StepResult } from "../engine/types";

const skipped = (reason: string): StepResult => ({ skipped: true, output: { reason } });

async function appUserOf(ctx: StepContext<unknown>, customerId: string): Promise<string | null> {
  const [row] = await ctx.db
    .select({ appUserId: customers.appUserId, provisional: customers.provisional })
    .from(customers)
    .where(eq(customers.id, customerId))
    .limit(1);
  return row && !row.provisional ? row.appUserId : null;
}

async function deliver(ctx: StepContext<unknown>, callback: AppCallback): Promise<StepResult> {
  const { status } = await ctx.services.app.send(callback, ctx.correlationId);
  return { externalRef: callback.id, output: { sent: callback.type, id: callback.id, answered: status } };
}

/**
 * `entitlement.changed` when this event changed the entitlement: after `update-entitlement` (Stripe events),
 * or, for the app's own events, when `resolve-identity` merged a payer into the app user (their access
 * became the app user's).
 */
export function notifyEntitlementStep<P>(): Step<P> {
  return {
    name: STEP.notifyApp,
    run: async (ctx) => {
      if (!ctx.services.app.configured) return skipped("APP_CALLBACK_URL is not set: the app is not told");
      const change = ctx.outputs[STEP.updateEntitlement] as { applied?: boolean } | undefined;
      const resolved = ctx.outputs[STEP.resolveIdentity] as { customerId?: string; claimedPayer?: boolean } | undefined;
      if (!change?.applied && !resolved?.claimedPayer) return skipped("the entitlement did not change");
      if (!resolved?.customerId) return skipped("no customer");
      const appUserId = await appUserOf(ctx, resolved.customerId);
      if (!appUserId) return skipped("a payer the app has not announced yet: the app is told once it claims them");
      const e = await entitlementOf(ctx.db, resolved.customerId);
      if (!e) return skipped("no entitlement");
      return deliver(ctx, {
        id: `ent_${ctx.event.id}`,
        type: "entitlement.changed",
        created: (e.sourceUpdatedAt ?? e.updatedAt).toISOString(),
        data: {
          appUserId,
          entitlement: {
            status: e.status,
            plan: e.plan,
            currentPeriodEnd: e.currentPeriodEnd?.toISOString() ?? null,
            cancelAtPeriodEnd: e.cancelAtPeriodEnd,
            access: hasAccess(e.status),
          },
        },
      });
    },
  };
}

/** What a ticket step leaves for `notify-app`: our reference, and whether the status changed. */
export type TicketChange = { reference: string; changed: boolean };

/** After a step that created a ticket or changed its status (`outputs[stepName]` is a TicketChange). */
export function notifySupportStep<P>(after: string): Step<P> {
  return {
    name: STEP.notifyApp,
    run: async (ctx) => {
      if (!ctx.services.app.configured) return skipped("APP_CALLBACK_URL is not set: the app is not told");
      const change = ctx.outputs[after] as Partial<TicketChange> | undefined;
      if (!change?.reference) return skipped("no ticket");
      if (change.changed === false) return skipped("the ticket's status did not change");
      const [t] = await ctx.db.select().from(supportTickets).where(eq(supportTickets.reference, change.reference));
      if (!t) return skipped("no ticket");
      const appUserId = t.customerId ? await appUserOf(ctx, t.customerId) : t.appUserId;
      if (!appUserId) return skipped("the ticket's requester is not an app user");
      return deliver(ctx, {
        id: `sup_${ctx.event.id}`,
        type: "support.updated",
        created: (t.statusChangedAt ?? t.updatedAt).toISOString(),
        data: {
          appUserId,
          ticket: {
            reference: t.reference,
            subject: t.subject,
            status: t.status,
            updatedAt: t.updatedAt.toISOString(),
          },
        },
      });
    },
  };
}
