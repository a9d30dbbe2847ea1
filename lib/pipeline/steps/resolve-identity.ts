// `resolve-identity`: for Stripe events, who the Stripe customer is (an existing link, our own reference on
// the object or the Stripe customer, or a unique email match); for app events, the app user's customer
// with the event's fields applied; and how later steps read the answer.
import type { Customer } from "@/db/schema";
import { PermanentError } from "@/lib/integrations/errors";
import { classifyStripeError } from "@/lib/integrations/stripe/errors";
import {
  customerByAppUserId,
  customerByEmail,
  customerByIdentity,
  linkIdentity,
  upsertAppCustomer,
} from "@/db/queries/identities";
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
 * `metadata.app_user_id`, on the object or the Stripe customer), else a unique email match (unverified).
 */
export async function resolveStripeCustomer(ctx: StepContext<StripePayload>, object: Obj): Promise<ResolvedCustomer> {
  const stripeCustomerId = customerIdOf(object);
  if (!stripeCustomerId)
    throw new PermanentError("stripe", `The ${String(object.object)} has no Stripe customer to link.`);
  const linked = await customerByIdentity(ctx.db, "stripe", stripeCustomerId);
  if (linked) return resolved(linked);
  let { appUserId, email } = hints(object);
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
    const customer =
      (await customerByAppUserId(ctx.db, appUserId)) ?? (await upsertAppCustomer(ctx.db, { appUserId, email }));
    await linkIdentity(ctx.db, customer.id, "stripe", stripeCustomerId, "id");
    return resolved(customer);
  }
  const byEmail = email ? await customerByEmail(ctx.db, email) : undefined;
  if (byEmail) {
    await linkIdentity(ctx.db, byEmail.id, "stripe", stripeCustomerId, "email");
    return resolved(byEmail);
  }
  throw new PermanentError(
    "stripe",
    `Cannot link Stripe customer ${stripeCustomerId} to an app user: no client_reference_id, metadata.app_user_id or matching email. Link it by hand, then replay.`,
  );
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

export function customerFrom<P>(ctx: StepContext<P>): ResolvedCustomer {
  const customer = ctx.outputs[STEP.resolveIdentity] as ResolvedCustomer | undefined;
  if (!customer) throw new Error(`${STEP.resolveIdentity} has not run`);
  return customer;
}

/** What an app event says of its user: the fields to apply (absent: unchanged) and the time it says so. */
export type AppUserFields = Parameters<typeof upsertAppCustomer>[1];

/**
 * `resolve-identity` for app events: the customer of the event's app user, created on first sight, with
 * the fields the event carries applied (only when newer than the last change applied).
 */
export function resolveAppIdentityStep<P extends AppPayload>(fieldsOf: (payload: P) => AppUserFields): Step<P> {
  return {
    name: STEP.resolveIdentity,
    run: async (ctx) => {
      const customer = await upsertAppCustomer(ctx.db, fieldsOf(ctx.payload));
      await ctx.setCustomer(customer.id);
      const output: ResolvedCustomer = {
        customerId: customer.id,
        appUserId: customer.appUserId,
        email: customer.email,
        name: customer.name,
      };
      return { externalRef: customer.appUserId, output };
    },
  };
}
