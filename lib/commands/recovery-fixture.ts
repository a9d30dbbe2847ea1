// Shared by the payment-recovery tests: the actors, the environment each test starts from, and a customer
// linked to Stripe with what the sandbox should hold (a failed invoice and its alert, a paid charge).
import { alerts } from "@/db/schema";
import { linkIdentity, upsertAppCustomer } from "@/db/queries/identities";
import type { Actor } from "@/lib/auth/roles";
import { resetEnvCache } from "@/lib/env";
import * as control from "@/sandbox/client";
import { type Harness, uid } from "@/test/harness";

export const admin: Actor = { id: null, email: "founder@example.com", role: "admin", via: "session" };
export const viewer: Actor = { id: null, email: "viewer@example.com", role: "viewer", via: "session" };

/** No billing portal unless a test turns it on (a test that sets it must not leak into the next one). */
export function resetRecoveryEnv() {
  delete process.env.BILLING_PORTAL_RETURN_URL;
  resetEnvCache();
}

export type RecoveryCustomerOptions = { failedInvoice?: boolean; charge?: boolean; email?: string | null };

/** A customer linked to Stripe, with (optionally) an open failed invoice and a paid charge in the sandbox. */
export async function seedRecoveryCustomer(on: Harness, opts: RecoveryCustomerOptions = {}) {
  const appUserId = uid("u");
  const email = opts.email === undefined ? `${appUserId}@example.com` : opts.email;
  const cus = uid("cus");
  const inv = uid("in");
  const ch = uid("ch");
  const customer = await upsertAppCustomer(on.db, { appUserId, email: email ?? undefined, name: "Ann Example" });
  await linkIdentity(on.db, customer.id, "stripe", cus, "id");
  const objects: Record<string, unknown>[] = [{ object: "customer", id: cus, email }];
  if (opts.failedInvoice !== false) {
    objects.push({ object: "invoice", id: inv, customer: cus, amount_due: 1900, currency: "eur", status: "open" });
    await on.db.insert(alerts).values({
      kind: "billing",
      dedupeKey: `payment_failed:${inv}`,
      title: `Payment failed for Ann Example (${appUserId})`,
      customerId: customer.id,
      details: {
        invoice: inv,
        amountDue: 1900,
        currency: "eur",
        hostedInvoiceUrl: `https://invoice.stripe.com/i/sandbox/${inv}`,
      },
    });
  }
  if (opts.charge)
    objects.push({ object: "charge", id: ch, customer: cus, amount: 1900, currency: "eur", receipt_email: null });
  await control.seed(on.sandbox.stripe, objects);
  return { appUserId, email, cus, inv, ch, customer };
}
