// The Zendesk half of `create-ticket`: the requester found or made (linked by our app user id), then one
// ticket per reference (Idempotency-Key and external_id = our reference, found again after a lost answer).
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
  const body = [
    d.message,
    "",
    "— Context (from the app) —",
    ...Object.entries(context)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}: ${v}`),
  ].join("\n");
  const zendeskTicketId =
    (await zendesk.findTicketByReference(reference, ctx.correlationId)) ??
    (await zendesk.createTicket({ reference, requesterId, subject: d.subject, body, tags }, ctx.correlationId));
  await attachZendeskTicket(ctx.db, d.requestId, {
    zendeskTicketId,
    customerId: customer.customerId,
    metadata: context,
  });
  return {
    externalRef: String(zendeskTicketId),
    output: requesterOwnedBy
      ? { reference, requesterNotLinked: `Zendesk user ${requesterId} is linked to ${requesterOwnedBy} here` }
      : { reference },
  };
}
