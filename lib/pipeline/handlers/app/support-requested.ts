// support.requested → exactly one Zendesk ticket per client request id, with the requester linked and
// the context an agent needs without asking (plan, entitlement, platform, OS, app version, device, …).
import { eq } from "drizzle-orm";
import { entitlements, supportTickets } from "@/db/schema";
import { reserveTicketReference } from "@/lib/ingest/store";
import { customerFrom } from "@/lib/pipeline/steps/resolve-identity";
import { identityOf, linkIdentity, upsertAppCustomer } from "@/db/queries/identities";
import type { AppPayload, Handler } from "@/lib/pipeline/engine/types";

type SupportRequested = Extract<AppPayload, { type: "support.requested" }>;

export const supportRequested: Handler<SupportRequested> = {
  customerKey: (p) => `app:${p.data.userId}`,
  steps: [
    {
      name: "resolve-identity",
      run: async (ctx) => {
        const d = ctx.payload.data;
        const customer = await upsertAppCustomer(ctx.db, { appUserId: d.userId, email: d.email });
        await ctx.setCustomer(customer.id);
        return { externalRef: d.userId, output: { customerId: customer.id, appUserId: customer.appUserId, email: customer.email, name: customer.name } };
      },
    },
    {
      name: "create-ticket",
      run: async (ctx) => {
        const d = ctx.payload.data;
        const customer = customerFrom(ctx);
        const reference = await reserveTicketReference(ctx.db, { requestId: d.requestId, eventId: ctx.event.id, appUserId: d.userId, email: d.email, subject: d.subject });
        const [ticket] = await ctx.db.select().from(supportTickets).where(eq(supportTickets.requestId, d.requestId)).limit(1);
        if (ticket?.zendeskTicketId) return { externalRef: String(ticket.zendeskTicketId), output: { reference, duplicateOf: ticket.eventId } };

        const zendesk = ctx.services.zendesk;
        let requesterId = Number(await identityOf(ctx.db, customer.customerId, "zendesk")) || undefined;
        if (!requesterId) {
          const requester = await zendesk.ensureRequester({ email: d.email, name: customer.name, appUserId: d.userId, correlationId: ctx.correlationId });
          requesterId = requester.id;
          await linkIdentity(ctx.db, customer.customerId, "zendesk", String(requesterId), requester.matchedBy);
        }
        const [entitlement] = await ctx.db.select().from(entitlements).where(eq(entitlements.customerId, customer.customerId)).limit(1);
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
        const body = [d.message, "", "— Context (from the app) —", ...Object.entries(context).filter(([, v]) => v).map(([k, v]) => `${k}: ${v}`)].join("\n");
        const tags = ["founder_ops", c.platform && `platform_${c.platform}`, entitlement?.plan && `plan_${entitlement.plan}`, `entitlement_${entitlement?.status ?? "none"}`]
          .filter((t): t is string => Boolean(t))
          .map((t) => t.toLowerCase().replace(/[^a-z0-9_]+/g, "_"));
        const zendeskTicketId =
          (await zendesk.findTicketByReference(reference, ctx.correlationId)) ??
          (await zendesk.createTicket({ reference, requesterId, subject: d.subject, body, tags }, ctx.correlationId));
        await ctx.db
          .update(supportTickets)
          .set({ zendeskTicketId, customerId: customer.customerId, metadata: context as never, updatedAt: new Date() })
          .where(eq(supportTickets.requestId, d.requestId));
        return { externalRef: String(zendeskTicketId), output: { reference } };
      },
    },
  ],
};
