// conversation.admin.closed / opened / snoozed (Intercom webhook) → the ticket's status (open → open,
// snoozed → pending, closed → closed) unless a newer one is held, then the app is told (support.updated).
import type { TicketStatus } from "@/db/schema";
import type { IntercomConversationStatus } from "@/lib/ingest/intercom-schemas";
import { STEP } from "@/lib/pipeline/engine/step-names";
import type { Handler } from "@/lib/pipeline/engine/types";
import { notifySupportStep } from "@/lib/pipeline/steps/notify-app";
import { updateTicketStatusStep } from "@/lib/pipeline/steps/update-ticket-status";

const BY_STATE: Record<string, TicketStatus> = { open: "open", snoozed: "pending", closed: "closed" };
const BY_TOPIC: Record<string, TicketStatus> = {
  "conversation.admin.opened": "open",
  "conversation.admin.snoozed": "pending",
  "conversation.admin.closed": "closed",
};

/** The status a notification reports: the conversation's state when given, else what its topic says. */
export function intercomTicketStatus(p: IntercomConversationStatus): TicketStatus {
  return BY_STATE[p.data.item.state ?? ""] ?? BY_TOPIC[p.topic] ?? "open";
}

export const intercomConversationStatus: Handler<IntercomConversationStatus> = {
  customerKey: (p) => `intercom-conversation:${String(p.data.item.id)}`,
  steps: [
    updateTicketStatusStep((ctx) => {
      const p = ctx.payload;
      const at = p.data.item.updated_at ?? p.created_at;
      return {
        where: { intercomConversationId: String(p.data.item.id) },
        status: intercomTicketStatus(p),
        at: new Date(at * 1000),
      };
    }),
    notifySupportStep(STEP.updateTicketStatus),
  ],
};
