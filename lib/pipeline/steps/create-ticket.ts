// `create-ticket` for support.requested: exactly one ticket per client request id in the support tool
// (SUPPORT_PROVIDER: Zendesk or Intercom). Our reference is reserved at ingest and found again on every
// retry; the provider's part lives in steps/support/.
import { entitlementOf } from "@/db/queries/entitlements";
import { reserveTicketReference, ticketByRequestId } from "@/db/queries/support-tickets";
import { STEP } from "@/lib/pipeline/engine/step-names";
import type { AppPayload, Step } from "@/lib/pipeline/engine/types";
import { customerFrom } from "./resolve-identity";
import { createZendeskTicket } from "./support/zendesk-ticket";
import { createIntercomConversation } from "./support/intercom-conversation";
import type { TicketChange } from "./notify-app";

type SupportRequested = Extract<AppPayload, { type: "support.requested" }>;

/** What an agent needs without asking, in the order they read it. */
export type TicketContext = Record<string, string | undefined>;

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
    const made = ticket?.zendeskTicketId ?? ticket?.intercomConversationId;
    if (made) {
      const output: TicketChange & { duplicateOf: string | null } = {
        reference,
        changed: false,
        duplicateOf: ticket?.eventId ?? null,
      };
      return { externalRef: String(made), output };
    }
    const entitlement = await entitlementOf(ctx.db, customer.customerId);
    const c = d.context ?? {};
    const context: TicketContext = {
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
    const tags = [
      "founder_ops",
      c.platform && `platform_${c.platform}`,
      entitlement?.plan && `plan_${entitlement.plan}`,
      `entitlement_${entitlement?.status ?? "none"}`,
    ]
      .filter((t): t is string => Boolean(t))
      .map((t) => t.toLowerCase().replace(/[^a-z0-9_]+/g, "_"));
    const input = { reference, customer, context, tags };
    const result =
      ctx.services.supportProvider === "intercom"
        ? await createIntercomConversation(ctx, input)
        : await createZendeskTicket(ctx, input);
    return { externalRef: result.externalRef, output: { ...result.output, reference, changed: true } };
  },
};
