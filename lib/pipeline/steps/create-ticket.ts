// `create-ticket` for support.requested: exactly one Zendesk ticket per client request id (our reference
// is reserved at ingest and found again on every retry), the requester linked, and the context an agent
// needs without asking (plan, entitlement, platform, OS, app version, device, …).
import { entitlementOf } from "@/db/queries/entitlements";
import { identityOf, linkIdentity } from "@/db/queries/identities";
import { attachZendeskTicket, reserveTicketReference, ticketByRequestId } from "@/db/queries/support-tickets";
import { STEP } from "@/lib/pipeline/engine/step-names";
import type { AppPayload, Step } from "@/lib/pipeline/engine/types";
import { customerFrom } from "./resolve-identity";

type SupportRequested = Extract<AppPayload, { type: "support.requested" }>;

export const createTicketStep: Step<SupportRequested> = {
  name: STEP.createTicket,
  run: async (ctx) => {
    const d = ctx.payload.data;
    const customer = customerFrom(ctx);
    const reference = await reserveTicketReference(ctx.db, {
      requestId: d.requestId,
      eventId: ctx.event.id,
      appUserId: d.userId,
      email: d.email,
      subject: d.subject,
    });
    const ticket = await ticketByRequestId(ctx.db, d.requestId);
    if (ticket?.zendeskTicketId)
      return { externalRef: String(ticket.zendeskTicketId), output: { reference, duplicateOf: ticket.eventId } };

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
    const entitlement = await entitlementOf(ctx.db, customer.customerId);
    const c = d.context ?? {};
    const context = {
      "App user id": d.userId,
      Email: d.email,
      Plan: entitlement?.plan ?? "none",
      Entitlement: entitlement?.status ?? "none",
      Platform: c.platform,
      "OS version": c.osVersion,
      "App version": c.appVersion,
      Device: c.device,
      Screen: c.screen,
      Locale: c.locale,
      Reference: reference,
    };
    const body = [
      d.message,
      "",
      "— Context (from the app) —",
      ...Object.entries(context)
        .filter(([, v]) => v)
        .map(([k, v]) => `${k}: ${v}`),
    ].join("\n");
    const tags = [
      "founder_ops",
      c.platform && `platform_${c.platform}`,
      entitlement?.plan && `plan_${entitlement.plan}`,
      `entitlement_${entitlement?.status ?? "none"}`,
    ]
      .filter((t): t is string => Boolean(t))
      .map((t) => t.toLowerCase().replace(/[^a-z0-9_]+/g, "_"));
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
  },
};
