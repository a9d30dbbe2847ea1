// zen:event-type:ticket.status_changed (POST /api/webhooks/zendesk) → our ticket's status, unless a newer one
// is held (webhooks come out of order), then `support.updated` to the app when it changed. A ticket the
// console did not make (an agent's own) is skipped with the reason.
import { STATUS_OF, type ZendeskTicketStatusChanged, zendeskTicketIdOf } from "@/lib/ingest/zendesk-schemas";
import { STEP } from "@/lib/pipeline/engine/step-names";
import type { Handler } from "@/lib/pipeline/engine/types";
import { notifySupportStep } from "@/lib/pipeline/steps/notify-app";
import { updateTicketStatusStep } from "@/lib/pipeline/steps/update-ticket-status";

export const zendeskTicketStatusChanged: Handler<ZendeskTicketStatusChanged> = {
  // One ticket's status changes apply one at a time (the recency guard still decides which one wins).
  customerKey: (p) => `zendesk-ticket:${zendeskTicketIdOf(p)}`,
  steps: [
    updateTicketStatusStep((ctx) => ({
      where: { zendeskTicketId: zendeskTicketIdOf(ctx.payload) },
      status: STATUS_OF[ctx.payload.event.current],
      at: new Date(ctx.payload.time),
    })),
    notifySupportStep(STEP.updateTicketStatus),
  ],
};
