// The customer's support tickets (our SUP-… reference, the Zendesk ticket or Intercom conversation, the status
// the support tool reported and whether the requester was told we have it) and their alerts.
import Link from "next/link";
import { Badge, type BadgeVariant, StatusBadge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import type { CustomerAlert } from "@/db/queries/alerts";
import type { CustomerTicket } from "@/db/queries/support-tickets";
import type { TicketStatus } from "@/db/schema";

/** Our ticket statuses in plain words (pending is Zendesk's "waiting on the customer"). */
const TICKET_STATUS: Record<TicketStatus, { label: string; variant: BadgeVariant; title: string }> = {
  received: { label: "Received", variant: "neutral", title: "Received from the app, not in the support tool yet" },
  open: { label: "Open", variant: "info", title: "In the support tool, waiting on an agent" },
  pending: { label: "Waiting on customer", variant: "warning", title: "An agent asked the customer something" },
  on_hold: { label: "On hold", variant: "warning", title: "Waiting on someone other than the customer" },
  solved: { label: "Solved", variant: "success", title: "An agent marked it solved" },
  closed: { label: "Closed", variant: "muted", title: "Closed: a new message starts a follow-up" },
};

export function TicketStatusBadge({ status }: { status: TicketStatus }) {
  const s = TICKET_STATUS[status] ?? { label: status, variant: "neutral" as const, title: status };
  return (
    <Badge variant={s.variant} title={s.title}>
      {s.label}
    </Badge>
  );
}

export function SupportTickets({
  tickets,
  ticketUrl,
  conversationUrl,
}: {
  tickets: CustomerTicket[];
  /** Undefined where there is no record to link to (no subdomain configured). */
  ticketUrl: (id: number) => string | undefined;
  conversationUrl?: (id: string) => string;
}) {
  return (
    <section aria-labelledby="tickets-title" className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id="tickets-title" className="text-base font-semibold">
        Support tickets
      </h2>
      {tickets.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">
          No support requests from this customer. Requests sent from the app appear here with their reference.
        </p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-100 text-sm">
          {tickets.map((t) => (
            <li key={t.id} className="flex items-start justify-between gap-4 py-2.5">
              <span className="min-w-0">
                <span className="font-mono text-[13px] font-medium">{t.reference}</span>
                <span className="block truncate text-slate-700" title={t.subject ?? undefined}>
                  {t.subject ?? "No subject"}
                </span>
                <span className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-600">
                  <TicketStatusBadge status={t.status} />
                  {t.statusChangedAt ? (
                    <span>
                      changed <RelativeTime date={t.statusChangedAt} />
                    </span>
                  ) : null}
                </span>
                <span className="mt-0.5 block text-xs">
                  {t.acknowledgedAt ? (
                    <span className="text-slate-600">
                      Acknowledged to the requester <RelativeTime date={t.acknowledgedAt} />
                    </span>
                  ) : (
                    <span className="text-amber-800">Not acknowledged yet</span>
                  )}
                </span>
              </span>
              <span className="flex shrink-0 flex-col items-end gap-0.5 text-xs">
                {t.zendeskTicketId && !ticketUrl(t.zendeskTicketId) ? (
                  <span className="text-slate-700">Zendesk #{t.zendeskTicketId}</span>
                ) : t.zendeskTicketId ? (
                  <a
                    href={ticketUrl(t.zendeskTicketId)}
                    target="_blank"
                    rel="noreferrer"
                    className="text-indigo-700 hover:underline"
                  >
                    Zendesk #{t.zendeskTicketId}
                    <span aria-hidden> ↗</span>
                    <span className="sr-only"> (opens in Zendesk)</span>
                  </a>
                ) : t.intercomConversationId && conversationUrl ? (
                  <a
                    href={conversationUrl(t.intercomConversationId)}
                    target="_blank"
                    rel="noreferrer"
                    className="text-indigo-700 hover:underline"
                  >
                    Intercom conversation {t.intercomConversationId}
                    <span aria-hidden> ↗</span>
                    <span className="sr-only"> (opens in Intercom)</span>
                  </a>
                ) : t.intercomConversationId ? (
                  <span className="text-slate-700">Intercom conversation {t.intercomConversationId}</span>
                ) : t.eventId ? (
                  <Link href={`/events/${t.eventId}`} className="font-medium text-amber-800 hover:underline">
                    Not in {t.provider === "intercom" ? "Intercom" : "Zendesk"} yet: see the event
                  </Link>
                ) : (
                  <span className="text-amber-800">
                    Not in {t.provider === "intercom" ? "Intercom" : "Zendesk"} yet
                  </span>
                )}
                <RelativeTime date={t.createdAt} className="text-slate-500" />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function CustomerAlerts({ alerts }: { alerts: CustomerAlert[] }) {
  return (
    <section aria-labelledby="alerts-title" className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id="alerts-title" className="text-base font-semibold">
        Alerts
      </h2>
      {alerts.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No billing or ops alerts for this customer.</p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-100 text-sm">
          {alerts.map((a) => (
            <li key={a.id} className="flex items-start justify-between gap-4 py-2.5">
              <span className="min-w-0">
                <span className="font-medium">{a.title}</span>
                {a.message ? <span className="line-clamp-2 block text-slate-600">{a.message}</span> : null}
                {a.eventId ? (
                  <Link href={`/events/${a.eventId}`} className="text-xs text-indigo-700 hover:underline">
                    The event behind it
                  </Link>
                ) : null}
              </span>
              <span className="flex shrink-0 flex-col items-end gap-1 text-xs">
                <StatusBadge status={a.status} />
                <RelativeTime date={a.openedAt} className="text-slate-500" />
              </span>
            </li>
          ))}
        </ul>
      )}
      {alerts.some((a) => a.status !== "resolved") ? (
        <Link
          href="/alerts?status=open,acknowledged"
          className="mt-3 inline-block text-sm text-indigo-700 hover:underline"
        >
          Acknowledge or resolve on the Alerts page →
        </Link>
      ) : null}
    </section>
  );
}
