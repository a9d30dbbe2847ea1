// The Intercom half of `create-ticket`: the contact found or made (linked by our app user id), one conversation
// per reference started by the contact (so the workspace's auto-acknowledgement and assignment rules apply; found
// again after a lost answer by its `reference` attribute or by the reference in its first message), then the
// app's context as one internal note for the agent.
import { identityOf, linkIdentity } from "@/db/queries/identities";
import { attachIntercomConversation } from "@/db/queries/support-tickets";
import { NOTE_MARKER } from "@/lib/integrations/intercom/client";
import type { AppPayload, StepContext } from "@/lib/pipeline/engine/types";
import type { TicketInput, TicketMade } from "./zendesk-ticket";

type SupportRequested = Extract<AppPayload, { type: "support.requested" }>;
type LinkSystem = Parameters<typeof linkIdentity>[2];
/** The identity system (in the database enum; db/queries/identities.ts's own type may not list it yet). */
const INTERCOM: LinkSystem = "intercom";

export async function createIntercomConversation(
  ctx: StepContext<SupportRequested>,
  input: TicketInput,
): Promise<TicketMade> {
  const d = ctx.payload.data;
  const { reference, customer, context } = input;
  const intercom = ctx.services.intercom;
  const correlationId = ctx.correlationId;
  let contactId = (await identityOf(ctx.db, customer.customerId, INTERCOM)) ?? undefined;
  let contactOwnedBy: string | undefined;
  if (!contactId) {
    const contact = await intercom.ensureContact({
      appUserId: d.userId,
      email: d.email,
      name: customer.name,
      correlationId,
    });
    contactId = contact.id;
    const link = await linkIdentity(ctx.db, customer.customerId, INTERCOM, contactId, contact.matchedBy);
    // The conversation still goes to the person who wrote in (a support request is never dropped), and the
    // step says that the contact is linked to someone else here instead of claiming a link it did not make.
    if (!link.linked) contactOwnedBy = link.owner.appUserId;
  }

  // The customer's own words, as they wrote them; the reference lets them (and a retry) find it again.
  const body = `${d.subject}\n\n${d.message}\n\nReference: ${reference}`;
  let conversationId = await intercom.findConversationByReference(reference, { contactId, correlationId });
  let createdAt: Date | undefined;
  if (!conversationId) {
    const made = await intercom.createConversation({ contactId, body, reference, correlationId });
    conversationId = made.id;
    createdAt = made.createdAt;
  }

  // The note before the conversation is recorded here: once recorded, create-ticket counts the request as done
  // (a retry after a failed note finds the conversation again by its reference, and the note by its marker).
  const note = [
    `${NOTE_MARKER} — ${reference}`,
    ...Object.entries(context)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}: ${v}`),
    ...(input.tags.length ? [`Tags: ${input.tags.join(", ")}`] : []),
  ].join("\n");
  const adminId = await intercom.adminIdOf();
  const { added, conversationCreatedAt } = await intercom.addNote(conversationId, adminId, note, correlationId);

  await attachIntercomConversation(ctx.db, d.requestId, {
    conversationId,
    customerId: customer.customerId,
    metadata: context,
    // The customer started the conversation: Intercom acknowledges it to them in the Messenger thread.
    acknowledgedAt: createdAt ?? conversationCreatedAt ?? null,
  });

  return {
    externalRef: conversationId,
    output: {
      reference,
      conversationId,
      contactId,
      noteAdded: added,
      ...(contactOwnedBy
        ? { contactNotLinked: `Intercom contact ${contactId} is linked to ${contactOwnedBy} here` }
        : {}),
    },
  };
}
