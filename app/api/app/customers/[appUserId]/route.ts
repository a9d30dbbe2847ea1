// GET /api/app/customers/:appUserId — for the app's backend, with its own token (Authorization: Bearer
// $APP_API_TOKEN; the admin token is not accepted here, and this token reads nothing else): what the user may
// use, the payment problem to show them with where to fix it, and their support requests. 404 for an unknown
// user; rate-limited per token.
import { createHash } from "node:crypto";
import { getDb } from "@/db";
import { appCustomerView } from "@/db/queries/app-view";
import { secretsEqual } from "@/lib/auth/secrets";
import { adminAuthBlocked, recordAdminAuthFailure, throttle } from "@/lib/auth/rate-limit";
import { hasAccess } from "@/lib/billing/access";
import { appRecoveryUrl } from "@/lib/billing/recovery-link";
import { env } from "@/lib/env";

type Params = { params: Promise<{ appUserId: string }> };

const refuse = (status: number, error: string) => Response.json({ error }, { status });

export async function GET(req: Request, { params }: Params) {
  const blocked = await adminAuthBlocked(req);
  if (blocked) return blocked;
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim();
  if (!env.APP_API_TOKEN)
    return refuse(401, "The app API is off: set APP_API_TOKEN on the console, and send it as a Bearer token.");
  if (!bearer || !secretsEqual(bearer, env.APP_API_TOKEN)) {
    await recordAdminAuthFailure(req);
    return refuse(401, "Send Authorization: Bearer $APP_API_TOKEN (the app's own token, not the admin token).");
  }
  const limited = await throttle("app-api", req, createHash("sha256").update(bearer).digest("hex"));
  if (limited) return limited;
  const appUserId = decodeURIComponent((await params).appUserId).trim();
  if (!appUserId || appUserId.length > 200) return refuse(400, "appUserId must be 1 to 200 characters.");
  const view = await appCustomerView(await getDb(), appUserId);
  if (!view) return refuse(404, `No user "${appUserId}" is known to the console yet.`);
  const e = view.entitlement;
  const status = e?.status ?? "none";
  const d = view.paymentProblem?.details ?? {};
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  return Response.json(
    {
      appUserId: view.appUserId,
      entitlement: {
        status,
        plan: e?.plan ?? null,
        currentPeriodEnd: e?.currentPeriodEnd ?? null,
        cancelAtPeriodEnd: e?.cancelAtPeriodEnd ?? false,
        access: hasAccess(status),
      },
      billing: {
        // ok, or the payment problem: first payment failed (incomplete), or a renewal being retried (past_due).
        state: view.paymentProblem ? (d.firstPayment ? "first_payment_failed" : "payment_failed") : "ok",
        nextRetryAt: str(d.nextAttempt),
        amountDue: typeof d.amountDue === "number" ? d.amountDue : null,
        currency: str(d.currency),
        // BILLING_PORTAL_RETURN_URL set: our link that opens a Stripe billing-portal session; else the hosted invoice.
        recoveryUrl: view.paymentProblem
          ? await appRecoveryUrl(await getDb(), view.appUserId, str(d.hostedInvoiceUrl), new URL(req.url).origin)
          : null,
      },
      support: view.support.map((t) => ({
        reference: t.reference,
        subject: t.subject,
        // Ours: received (not in the support tool yet), open, pending (waiting on the customer), on_hold,
        // solved or closed, as the support tool's webhooks report it.
        status: t.status,
        updatedAt: t.updatedAt,
      })),
    },
    { headers: { "cache-control": "no-store" } },
  );
}
