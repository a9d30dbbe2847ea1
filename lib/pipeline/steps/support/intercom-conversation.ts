// The Intercom half of `create-ticket` (placeholder until issue 14's Intercom slice lands).
import { PermanentError } from "@/lib/integrations/errors";
import type { AppPayload, StepContext } from "@/lib/pipeline/engine/types";
import type { TicketInput, TicketMade } from "./zendesk-ticket";

type SupportRequested = Extract<AppPayload, { type: "support.requested" }>;

export async function createIntercomConversation(
  _ctx: StepContext<SupportRequested>,
  _input: TicketInput,
): Promise<TicketMade> {
  throw new PermanentError("intercom", "SUPPORT_PROVIDER=intercom is not available yet.");
}
