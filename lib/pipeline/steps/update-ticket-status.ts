// `update-ticket-status`: a status the support tool reported (Zendesk or Intercom webhook) applied to our
// ticket, unless a newer status is already held. Leaves a TicketChange for `notify-app`.
import { applyTicketStatus, type TicketLocator } from "@/db/queries/support-tickets";
import type { TicketStatus } from "@/db/schema";
import { STEP } from "../engine/step-names";
import type { Step, StepContext } from "../engine/types";
import type { TicketChange } from "./notify-app";

export type ReportedStatus = { where: TicketLocator; status: TicketStatus; at: Date };

export function updateTicketStatusStep<P>(reported: (ctx: StepContext<P>) => ReportedStatus): Step<P> {
  return {
    name: STEP.updateTicketStatus,
    run: async (ctx) => {
      const r = reported(ctx);
      const applied = await applyTicketStatus(ctx.db, r.where, r.status, r.at);
      if (!applied.reference)
        return { skipped: true, output: { reason: "not a ticket the console made (an agent's own ticket)" } };
      if (applied.customerId) await ctx.setCustomer(applied.customerId);
      const output: TicketChange & { status: TicketStatus; reason?: string } = {
        reference: applied.reference,
        changed: applied.changed,
        status: r.status,
        ...(applied.stale ? { reason: "a newer status was already applied" } : {}),
      };
      return { externalRef: applied.reference, output };
    },
  };
}
