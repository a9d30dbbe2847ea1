// The Zendesk half of `create-ticket`: the requester found or made (linked by our app user id), then one
// ticket per reference (Idempotency-Key and external_id = our reference, found again after a lost answer).
// The requester's message is the ticket's first public comment, authored by them, so that Zendesk itself
// acknowledges the request to them (its "request received" notification); the context from the app goes in
// an internal note, added once: a retry lists the ticket's comments and adds it only when it is not there.
import { identityOf, linkIdentity } from "@/db/queries/identities";
import { attachZendeskTicket } from "@/db/queries/support-tickets";
import type { AppPayload, StepContext } from "@/lib/pipeline/engine/types";
import type { ResolvedCustomer } from "../resolve-identity";
import type { TicketContext } from "../create-ticket";

type SupportRequested = Extract<AppPayload, { type: "support.requested" }>;

export type TicketInput = { reference: string; customer: ResolvedCustomer; context: TicketContext; tags: string[] };
export type TicketMade = { externalRef: string; output: Record<string, unknown> };

export async function createZendeskTicket(ctx: StepContext<SupportRequested>, input: TicketInput): Promise<TicketMade> {
  const d = ctx.payload.data;
  const { reference, customer, context, tags } = input;
  const zendesk = ctx.services.zendesk;
  let requesterId = Number(await identityOf(ctx.db, customer.customerId, "zendesk")) || undefined;
  let requesterOwnedBy: string | undefined;
  if (!requesterId) {
    const requester = await zendesk.ensureRequester({
      email: d.email,
      name: customer.name,
      appUserId: d.userId,
      correlationId: ctx.correlationId,
    });
    requesterId = requester.id;
    const link = await linkIdentity(ctx.db, customer.customerId, "zendesk", String(requesterId), requester.matchedBy);
    // The ticket still goes to the person who wrote in (a support request is never dropped), and the step
    // says that the requester is linked to someone else here instead of claiming a link it did not make.
    if (!link.linked) requesterOwnedBy = link.owner.appUserId;
  }
  const note = contextNote(reference, context);
  const zendeskTicketId =
    (await zendesk.findTicketByReference(reference, ctx.correlationId)) ??
    (await zendesk.createTicket(
      { reference, requesterId, subject: d.subject, body: d.message, tags },
      ctx.correlationId,
    ));
  const comments = await zendesk.ticketComments(zendeskTicketId, ctx.correlationId);
  const noteThere = comments.some((c) => !c.public && hasMarker(c.body, reference));
  if (!noteThere) await zendesk.addInternalNote(zendeskTicketId, note, ctx.correlationId);
  // Acknowledged: the request is on the ticket as the requester's own public comment (Zendesk notifies them).
  const ack = comments.find((c) => c.public && c.authorId === requesterId);
  const ackTime = ack ? Date.parse(ack.createdAt) : Number.NaN;
  const acknowledgedAt = ack ? (Number.isNaN(ackTime) ? new Date() : new Date(ackTime)) : null;
  await attachZendeskTicket(ctx.db, d.requestId, {
    zendeskTicketId,
    customerId: customer.customerId,
    metadata: context,
    acknowledgedAt,
  });
  return {
    externalRef: String(zendeskTicketId),
    output: {
      reference,
      acknowledged: acknowledgedAt !== null,
      internalNote: noteThere ? "already on the ticket" : "added",
      ...(requesterOwnedBy
        ? { requesterNotLinked: `Zendesk user ${requesterId} is linked to ${requesterOwnedBy} here` }
        : {}),
    },
  };
}

const NOTE_TITLE = "— Context (from the app, added by the founder-ops console) —";

/** The internal note: the context an agent needs, ending with our reference (the marker a retry looks for). */
export function contextNote(reference: string, context: TicketContext): string {
  return [
    NOTE_TITLE,
    ...Object.entries(context)
      .filter(([k, v]) => v && k !== "Reference")
      .map(([k, v]) => `${k}: ${v}`),
    `Reference: ${reference}`,
  ].join("\n");
}

/** Whether a comment is our note for this reference (a line `Reference: SUP-…`, however Zendesk re-wraps it). */
function hasMarker(body: string, reference: string): boolean {
  return body.split(/\r?\n/).some((line) => line.trim() === `Reference: ${reference}`);
}
