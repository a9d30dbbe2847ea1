// What the app's backend may read of one of its users (GET /api/app/customers/:appUserId): the entitlement,
// the open payment problem if any, and the support requests, in one round trip on indexed lookups.
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import type { Entitlement, TicketStatus } from "@/db/schema";

export type AppCustomerView = {
  appUserId: string;
  entitlement: Pick<Entitlement, "status" | "plan" | "currentPeriodEnd" | "cancelAtPeriodEnd"> | null;
  /** The newest open payment alert's details (dunning: attempt, next retry, amount, hosted invoice). */
  paymentProblem: { openedAt: Date; details: Record<string, unknown> } | null;
  /** Our status of each request (received until the support tool has it, then as the tool reports it). */
  support: {
    reference: string;
    subject: string | null;
    status: TicketStatus;
    zendeskTicketId: number | null;
    updatedAt: Date;
  }[];
};

type Row = {
  app_user_id: string;
  status: Entitlement["status"] | null;
  plan: string | null;
  current_period_end: string | Date | null;
  cancel_at_period_end: boolean | null;
  problem: { opened_at: string; details: Record<string, unknown> | null } | null;
  support: {
    reference: string;
    subject: string | null;
    status: TicketStatus;
    zendesk_ticket_id: number | null;
    updated_at: string;
  }[];
};

const asDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));

/** The app user's view, or null for an unknown user (or a payer the app has not announced). */
export async function appCustomerView(db: Db, appUserId: string): Promise<AppCustomerView | null> {
  const [row] = await rowsOf<Row>(
    db.execute(sql`
      select c.app_user_id, e.status, e.plan, e.current_period_end, e.cancel_at_period_end,
        (select json_build_object('opened_at', a.opened_at, 'details', a.details) from alerts a
          where a.customer_id = c.id and a.kind = 'billing' and a.status <> 'resolved'
            and a.dedupe_key like 'payment\\_failed:%'
          order by a.opened_at desc limit 1) as problem,
        coalesce((select json_agg(json_build_object('reference', t.reference, 'subject', t.subject,
            'status', t.status, 'zendesk_ticket_id', t.zendesk_ticket_id, 'updated_at', t.updated_at)
            order by t.created_at desc)
          from (select * from support_tickets t where t.customer_id = c.id order by t.created_at desc limit 20) t),
          '[]'::json) as support
      from customers c
      left join entitlements e on e.customer_id = c.id
      where c.app_user_id = ${appUserId} and not c.provisional
      limit 1`),
  );
  if (!row) return null;
  return {
    appUserId: row.app_user_id,
    entitlement: row.status
      ? {
          status: row.status,
          plan: row.plan,
          currentPeriodEnd: row.current_period_end ? asDate(row.current_period_end) : null,
          cancelAtPeriodEnd: Boolean(row.cancel_at_period_end),
        }
      : null,
    paymentProblem: row.problem
      ? { openedAt: asDate(row.problem.opened_at), details: row.problem.details ?? {} }
      : null,
    support: row.support.map((t) => ({
      reference: t.reference,
      subject: t.subject,
      status: t.status,
      zendeskTicketId: t.zendesk_ticket_id,
      updatedAt: asDate(t.updated_at),
    })),
  };
}
