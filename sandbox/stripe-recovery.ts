// Stripe look-alike, payment recovery: billing-portal sessions (and the sandbox's own portal page they point
// at), paying an open invoice now (POST /v1/invoices/:id/pay; a card decline is a 402 fault on that path), and
// charges listed by customer and updated (a new receipt_email makes Stripe send the receipt again).
import type { SandboxRequest, SandboxResponse } from "./http";
import type { StripeObject } from "./stripe-objects";
import { header, nowSeconds, randomToken } from "./util";

type Params = Record<string, unknown>;
type Route = {
  method: string;
  pattern: RegExp;
  run: (params: Params, match: string[], req: SandboxRequest) => SandboxResponse;
};

export type RecoveryDeps = {
  get: (object: string, id: string) => StripeObject | undefined;
  save: (obj: StripeObject, created: boolean) => SandboxResponse;
  list: (object: string, url: string, params: Params, filter: (o: StripeObject) => boolean) => SandboxResponse;
};

/** The portal page a session's url opens: a browser, without an API key. */
export const PORTAL_PAGE = /^\/p\/session\/([A-Za-z0-9_]+)$/;

const error = (status: number, message: string, extra: Params = {}): SandboxResponse => ({
  status,
  body: { error: { type: "invalid_request_error", message, ...extra } },
});
const missing = (kind: string, id: string, param = "id") =>
  error(404, `No such ${kind}: '${id}'`, { code: "resource_missing", param });

function unknownParam(params: Params, allowed: string[]): SandboxResponse | undefined {
  const bad = Object.keys(params).find((k) => !allowed.includes(k));
  return bad ? error(400, `Received unknown parameter: ${bad}`, { param: bad }) : undefined;
}

export function recoveryRoutes(deps: RecoveryDeps): Route[] {
  const ID = "([A-Za-z0-9_]+)";
  return [
    {
      method: "POST",
      pattern: /^\/v1\/billing_portal\/sessions$/,
      run: (p, _m, req) => {
        const bad = unknownParam(p, ["customer", "return_url", "configuration", "locale", "flow_data", "expand"]);
        if (bad) return bad;
        if (typeof p.customer !== "string" || !p.customer)
          return error(400, "Missing required param: customer.", { param: "customer" });
        const customer = deps.get("customer", p.customer);
        if (!customer || customer.deleted) return missing("customer", p.customer, "customer");
        const id = `bps_${randomToken(24)}`;
        const host = header(req.headers, "host") ?? "127.0.0.1";
        return deps.save(
          {
            id,
            object: "billing_portal.session",
            configuration: "bpc_sandbox",
            created: nowSeconds(),
            customer: p.customer,
            flow: null,
            livemode: false,
            locale: typeof p.locale === "string" ? p.locale : null,
            on_behalf_of: null,
            return_url: typeof p.return_url === "string" ? p.return_url : null,
            url: `http://${host}/p/session/${id}`,
          },
          true,
        );
      },
    },
    {
      method: "GET",
      pattern: PORTAL_PAGE,
      run: (_p, [, id]) => {
        const session = deps.get("billing_portal.session", id);
        if (!session)
          return { status: 404, body: { page: "Stripe billing portal (sandbox)", error: "No such session" } };
        return {
          status: 200,
          body: {
            page: "Stripe billing portal (sandbox)",
            text: "Here the customer would update their payment method.",
            session: id,
            customer: session.customer,
            return_url: session.return_url,
          },
        };
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^/v1/invoices/${ID}/pay$`),
      run: (p, [, id]) => {
        const bad = unknownParam(p, [
          "expand",
          "forgive",
          "off_session",
          "paid_out_of_band",
          "payment_method",
          "source",
        ]);
        if (bad) return bad;
        const invoice = deps.get("invoice", id);
        if (!invoice) return missing("invoice", id);
        if (invoice.status === "paid") return error(400, "Invoice is already paid", { code: "invoice_already_paid" });
        if (invoice.status !== "open")
          return error(400, `You can only pay an open invoice; this one is ${String(invoice.status)}.`, {
            code: "invoice_not_open",
          });
        const now = nowSeconds();
        const amount = Number(invoice.amount_due ?? 0);
        return deps.save(
          {
            ...invoice,
            status: "paid",
            amount_paid: amount,
            amount_remaining: 0,
            attempted: true,
            attempt_count: Number(invoice.attempt_count ?? 0) + 1,
            next_payment_attempt: null,
            status_transitions: {
              ...((invoice.status_transitions as Params | undefined) ?? {}),
              paid_at: now,
            },
          },
          false,
        );
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/charges$/,
      run: (p) => list(deps, p),
    },
    {
      method: "POST",
      pattern: new RegExp(`^/v1/charges/${ID}$`),
      run: (p, [, id]) => {
        const bad = unknownParam(p, ["receipt_email", "metadata", "description", "expand", "shipping"]);
        if (bad) return bad;
        const charge = deps.get("charge", id);
        if (!charge) return missing("charge", id);
        const updated: StripeObject = { ...charge };
        if (typeof p.receipt_email === "string") {
          updated.receipt_email = p.receipt_email || null;
          // Stripe sends the receipt again for a new receipt_email; the sandbox notes when, for the tests.
          if (p.receipt_email) {
            updated.receipt_number ??= `${randomToken(4)}-${randomToken(4)}`.toUpperCase();
            updated.receipt_url = `https://pay.stripe.com/receipts/sandbox/${id}`;
            updated.receipt_sent_at = nowSeconds();
          }
        }
        if (typeof p.description === "string") updated.description = p.description;
        if (p.metadata && typeof p.metadata === "object")
          updated.metadata = { ...((charge.metadata as Params | undefined) ?? {}), ...(p.metadata as Params) };
        return deps.save(updated, false);
      },
    },
  ];
}

function list(deps: RecoveryDeps, p: Params): SandboxResponse {
  const { customer, payment_intent: pi, ...rest } = p;
  return deps.list(
    "charge",
    "/v1/charges",
    rest,
    (c) => (customer === undefined || c.customer === customer) && (pi === undefined || c.payment_intent === pi),
  );
}
