// `resolve-identity`: for Stripe events, who the Stripe customer is (an existing link, our own reference on
// the object or the Stripe customer, a unique email match, or a provisional customer for a payer the app has
// not announced); for app events, the app user's customer with the event's fields applied, claiming a payer
// with the same email; and how later steps read the answer.
import type { Customer } from "@/db/schema";
import { PermanentError } from "@/lib/integrations/errors";
import { classifyStripeError } from "@/lib/integrations/stripe/errors";
import type { Db } from "@/db";
import {
  appCustomersByEmail,
  customerByAppUserId,
  customerByEmail,
  customerByIdentity,
  linkIdentity,
  markPendingClaim,
  mergeProvisionalCustomer,
  provisionalCustomersByEmail,
  upsertProvisionalCustomer,
} from "@/db/queries/identities";
import { type AppUserFields, upsertAppCustomer, upsertAppCustomerCounting } from "@/db/queries/app-customers";
import { log } from "@/lib/log";
import { customerIdOf } from "@/lib/integrations/stripe/shapes";
import type { AppPayload, Step, StepContext, StripePayload } from "../engine/types";
import { STEP } from "../engine/step-names";

type Obj = Record<string, unknown>;
export type ResolvedCustomer = { customerId: string; appUserId: string; email: string | null; name: string | null };

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);

function hints(object: Obj): { appUserId?: string; email?: string } {
  const metadata = (object.metadata ?? {}) as Obj;
  const details = (object.customer_details ?? {}) as Obj;
  const billing = (object.billing_details ?? {}) as Obj;
  return {
    appUserId: str(object.client_reference_id) ?? str(metadata.app_user_id),
    email: str(details.email) ?? str(object.customer_email) ?? str(object.receipt_email) ?? str(billing.email),
  };
}

const resolved = (c: Customer): ResolvedCustomer => ({
  customerId: c.id,
  appUserId: c.appUserId,
  email: c.email,
  name: c.name,
});

/**
 * Finds the customer of a Stripe object: an existing link, else our reference (`client_reference_id`,
 * `metadata.app_user_id`, on the object or the Stripe customer), else a unique email match (unverified), else
 * a provisional customer keyed by the Stripe customer, for the app user who later claims it. A Stripe object
 * that names our user while its Stripe customer is still provisional hands that customer to the user.
 */
export async function resolveStripeCustomer(ctx: StepContext<StripePayload>, object: Obj): Promise<ResolvedCustomer> {
  const stripeCustomerId = customerIdOf(object);
  let { appUserId, email } = hints(object);
  if (!stripeCustomerId) {
    // A guest payment (e.g. a PaymentSheet PaymentIntent) names our user but no Stripe customer.
    if (appUserId) return resolved(await appCustomer(ctx, appUserId, email));
    throw new PermanentError(
      "stripe",
      `The ${String(object.object)} has no Stripe customer and no metadata.app_user_id: nobody to link it to.`,
    );
  }
  const linked = await customerByIdentity(ctx.db, "stripe", stripeCustomerId);
  if (linked && !linked.provisional) return resolved(linked);
  if (!appUserId) {
    const customer = await ctx.services.stripe.customers.retrieve(stripeCustomerId).catch((err) => {
      throw classifyStripeError(err);
    });
    if (!("deleted" in customer && customer.deleted)) {
      appUserId = str((customer as { metadata?: Obj }).metadata?.app_user_id);
      email ??= str((customer as { email?: string | null }).email);
    }
  }
  if (appUserId) {
    // Our own reference: the app user's customer, which takes over a provisional one.
    const customer = await appCustomer(ctx, appUserId, email);
    if (linked) await mergeProvisionalCustomer(ctx.db, linked.id, customer.id, { matchedBy: "id", verified: true });
    else await linkIdentity(ctx.db, customer.id, "stripe", stripeCustomerId, "id");
    return resolved(customer);
  }
  if (linked) return resolved(linked);
  const byEmail = email ? await customerByEmail(ctx.db, email) : undefined;
  if (byEmail && byEmail.emailVerified !== false) {
    await linkIdentity(ctx.db, byEmail.id, "stripe", stripeCustomerId, "email");
    return resolved(byEmail);
  }
  // A payer the app has not announced (or whose matching app user has an unverified email): provisional,
  // then settled against the app customers again, in case one signed up meanwhile.
  const provisional = await upsertProvisionalCustomer(ctx.db, stripeCustomerId, email ?? null);
  const settled = await settleProvisional(ctx.db, provisional);
  return resolved(settled ?? provisional);
}

async function appCustomer(ctx: StepContext<StripePayload>, appUserId: string, email: string | undefined) {
  return (await customerByAppUserId(ctx.db, appUserId)) ?? (await upsertAppCustomer(ctx.db, { appUserId, email }));
}

/**
 * Hands a provisional customer to the app customer with its email, when there is exactly one: at once when
 * the app has not said the email is unverified (the Stripe link then counts as an email match, verified when
 * the app said so), else as a claim waiting for the founder's confirmation (no access until then). Answers
 * the customer the provisional one became, if it was merged.
 */
export async function settleProvisional(db: Db, provisional: Customer): Promise<Customer | undefined> {
  if (!provisional.provisional || !provisional.email) return undefined;
  const candidates = await appCustomersByEmail(db, provisional.email);
  if (candidates.length !== 1) return undefined; // nobody yet, or two: no guess
  const owner = candidates[0]!;
  if (owner.emailVerified === false) {
    await markPendingClaim(db, provisional.id, owner.appUserId);
    return undefined;
  }
  const outcome = await mergeProvisionalCustomer(db, provisional.id, owner.id, {
    matchedBy: "email",
    verified: owner.emailVerified === true,
  });
  if (outcome.merged) log.info("customer.claimed", { customerId: owner.id, provisionalId: provisional.id, ...outcome });
  return owner;
}

/** `resolve-identity` for Stripe events: links the event to its customer. */
export function resolveStripeIdentityStep(
  objectOf: (p: StripePayload) => Obj = (p) => p.data.object as unknown as Obj,
): Step<StripePayload> {
  return {
    name: STEP.resolveIdentity,
    run: async (ctx) => {
      const customer = await resolveStripeCustomer(ctx, objectOf(ctx.payload));
      await ctx.setCustomer(customer.customerId);
      return { externalRef: customer.appUserId, output: customer };
    },
  };
}

/** Key of StepContext.scratch: the row resolve-identity's upsert read, so sync-crm need not read it again. */
export const CARRIED_PROJECTION = "crm-projection";

export function customerFrom<P>(ctx: StepContext<P>): ResolvedCustomer {
  const customer = ctx.outputs[STEP.resolveIdentity] as ResolvedCustomer | undefined;
  if (!customer) throw new Error(`${STEP.resolveIdentity} has not run`);
  return customer;
}

/**
 * `resolve-identity` for app events: the customer of the event's app user, created on first sight, with the
 * fields the event carries applied (each only when newer than its last change); then a payer who paid with
 * this email before signing up is claimed (or the claim waits for the founder when the email is unverified).
 */
export function resolveAppIdentityStep<P extends AppPayload>(fieldsOf: (payload: P) => AppUserFields): Step<P> {
  return {
    name: STEP.resolveIdentity,
    run: async (ctx) => {
      // One statement: the customer, its app identity, and whether any payer not yet claimed has its email.
      const { customer, provisionalWithEmail, projection } = await upsertAppCustomerCounting(
        ctx.db,
        fieldsOf(ctx.payload),
      );
      const claimed =
        customer.email && provisionalWithEmail > 0 ? await provisionalCustomersByEmail(ctx.db, customer.email) : [];
      let claimedPayer = false;
      for (const provisional of claimed) if (await settleProvisional(ctx.db, provisional)) claimedPayer = true;
      await ctx.setCustomer(customer.id);
      // sync-crm of this run writes the contact from this row (a merged payer changed it: read again then).
      if (projection && !claimedPayer) ctx.scratch?.set(CARRIED_PROJECTION, { customer, ...projection });
      const output: ResolvedCustomer & { claimedPayer?: true } = {
        customerId: customer.id,
        appUserId: customer.appUserId,
        email: customer.email,
        name: customer.name,
        // A payer merged into this app user: their entitlement is now the app user's (notify-app tells the app).
        ...(claimedPayer ? { claimedPayer: true as const } : {}),
      };
      return { externalRef: customer.appUserId, output };
    },
  };
}
