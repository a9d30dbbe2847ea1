// Identity and CRM operations on one customer, shared by the console's buttons and any admin API:
// re-sync the HubSpot contact, confirm or unlink an email match, link an external id by hand. Each database
// change is written with its audit entry in one transaction; the HubSpot call is made first and audited after.
import { z } from "zod";
import { type Db, inTransaction } from "@/db";
import type { Customer, Identity } from "@/db/schema";
import { audit } from "@/db/queries/audit";
import { getServices, type Services } from "@/lib/integrations";
import { IntegrationError } from "@/lib/integrations/errors";
import { contactProjection } from "@/lib/pipeline/steps/sync-crm";
import {
  customerByAppUserId,
  customerByIdentity,
  deleteIdentity,
  identityLink,
  linkIdentity,
  linkIdentityManually,
  markIdentityVerified,
} from "@/db/queries/identities";
import type { Actor } from "@/lib/auth/roles";
import { fail, isUniqueViolation, refuseRole, type OperationError, type OperationResult } from "./result";

export const LINKABLE_SYSTEMS = ["stripe", "hubspot", "zendesk"] as const;
export type LinkableSystem = (typeof LINKABLE_SYSTEMS)[number];
export const SYSTEM_LABEL: Record<Identity["system"], string> = {
  app: "App",
  stripe: "Stripe",
  hubspot: "HubSpot",
  zendesk: "Zendesk",
  intercom: "Intercom",
};

/** What an external id of each system looks like, so a typo is caught before it becomes a link. */
export const externalIdSchema: Record<LinkableSystem, z.ZodString> = {
  stripe: z
    .string()
    .trim()
    .regex(/^cus_[A-Za-z0-9_]+$/, "A Stripe customer id starts with cus_ (e.g. cus_Q2x…)."),
  hubspot: z
    .string()
    .trim()
    .regex(/^\d{1,20}$/, "A HubSpot contact id is a number (the digits in the contact's URL)."),
  zendesk: z
    .string()
    .trim()
    .regex(/^\d{1,20}$/, "A Zendesk user id is a number (the digits in the user's URL)."),
};

export type IdentityTarget = { appUserId: string; system: LinkableSystem; externalId: string };

async function findCustomer(db: Db, appUserId: string): Promise<Customer | OperationError> {
  return (await customerByAppUserId(db, appUserId)) ?? fail(404, `No customer with app user id "${appUserId}".`);
}

/** The customer's link in `system`, checked to still be the one the founder saw (`externalId`). */
async function findLink(db: Db, t: IdentityTarget): Promise<{ customer: Customer; link: Identity } | OperationError> {
  const customer = await findCustomer(db, t.appUserId);
  if ("ok" in customer) return customer;
  const link = await identityLink(db, customer.id, t.system);
  const label = SYSTEM_LABEL[t.system];
  if (!link) return fail(404, `${t.appUserId} has no ${label} link any more. Reload the page.`);
  if (link.externalId !== t.externalId)
    return fail(
      409,
      `The ${label} link changed to ${link.externalId} since the page loaded. Reload and check it again.`,
    );
  return { customer, link };
}

/** Writes the customer's current record to their HubSpot contact (upsert by app user id) and links it. */
export async function resyncCustomerToCrm(
  db: Db,
  actor: Actor,
  appUserId: string,
  services: Pick<Services, "hubspot"> = getServices(),
): Promise<OperationResult<{ contactId: string }>> {
  const refused = refuseRole(actor, "admin");
  if (refused) return refused;
  const customer = await findCustomer(db, appUserId);
  if ("ok" in customer) return customer;
  const target = { type: "customer", id: appUserId };
  try {
    const contactId = await services.hubspot.upsertContact(await contactProjection(db, customer.id));
    // The outbound call is done: the link it gives and its audit entry are written together.
    const owner = await inTransaction(db, async (tx) => {
      await linkIdentity(tx, customer.id, "hubspot", contactId, "id");
      await audit(tx, actor, "customer.resync_crm", target, { contactId, outcome: "succeeded" });
      return customerByIdentity(tx, "hubspot", contactId);
    });
    if (owner && owner.id !== customer.id) {
      return fail(
        409,
        `HubSpot contact ${contactId} was written, but it is linked here to ${owner.email ?? owner.appUserId}. Unlink it there, then re-sync.`,
      );
    }
    return { ok: true, contactId, message: `HubSpot contact ${contactId} is up to date.` };
  } catch (err) {
    const status = err instanceof IntegrationError ? err.status : undefined;
    const message = err instanceof Error ? err.message : String(err);
    await audit(db, actor, "customer.resync_crm", target, {
      outcome: "failed",
      status: status ?? null,
      error: message,
    });
    return fail(502, `HubSpot refused the update${status ? ` (${status})` : ""}: ${message}`);
  }
}

/** Marks an email match as verified: the founder checked that it is the same person. */
export async function confirmIdentity(db: Db, actor: Actor, t: IdentityTarget): Promise<OperationResult> {
  const refused = refuseRole(actor, "admin");
  if (refused) return refused;
  const found = await findLink(db, t);
  if ("ok" in found) return found;
  if (found.link.verified) return fail(409, `The ${SYSTEM_LABEL[t.system]} link is already verified.`);
  await inTransaction(db, async (tx) => {
    await markIdentityVerified(tx, found.link.id);
    await audit(
      tx,
      actor,
      "identity.confirm",
      { type: "customer", id: t.appUserId },
      { system: t.system, externalId: t.externalId, matchedBy: found.link.matchedBy },
    );
  });
  return { ok: true, message: `${SYSTEM_LABEL[t.system]} ${t.externalId} confirmed for this customer.` };
}

/** Removes a link made by email (unverified) or by hand; links made by our own id come back with the next event. */
export async function unlinkIdentity(db: Db, actor: Actor, t: IdentityTarget): Promise<OperationResult> {
  const refused = refuseRole(actor, "admin");
  if (refused) return refused;
  const found = await findLink(db, t);
  if ("ok" in found) return found;
  const { link } = found;
  if (link.verified && link.matchedBy === "id") {
    return fail(
      409,
      `The ${SYSTEM_LABEL[t.system]} link was made from our own id, so the next event would restore it. Fix the id at its source instead.`,
    );
  }
  await inTransaction(db, async (tx) => {
    await deleteIdentity(tx, link.id);
    await audit(
      tx,
      actor,
      "identity.unlink",
      { type: "customer", id: t.appUserId },
      { system: t.system, externalId: t.externalId, matchedBy: link.matchedBy, verified: link.verified },
    );
  });
  return { ok: true, message: `${SYSTEM_LABEL[t.system]} ${t.externalId} is no longer linked to this customer.` };
}

/** Links an external id chosen by the founder; refused when that id already belongs to another customer. */
export async function linkIdentityByHand(db: Db, actor: Actor, input: IdentityTarget): Promise<OperationResult> {
  const refused = refuseRole(actor, "admin");
  if (refused) return refused;
  const parsed = externalIdSchema[input.system].safeParse(input.externalId);
  if (!parsed.success) return fail(400, parsed.error.issues[0]?.message ?? "Check the id.", "externalId");
  const externalId = parsed.data;
  const label = SYSTEM_LABEL[input.system];
  const customer = await findCustomer(db, input.appUserId);
  if ("ok" in customer) return customer;

  const taken = () => customerByIdentity(db, input.system, externalId);
  const owner = await taken();
  if (owner && owner.id !== customer.id) return belongsToSomeoneElse(label, externalId, owner);
  const current = await identityLink(db, customer.id, input.system);
  if (current?.externalId === externalId && current.verified)
    return fail(409, `${label} ${externalId} is already linked to this customer.`, "externalId");
  if (current && current.externalId !== externalId && current.verified && current.matchedBy === "id") {
    return fail(
      409,
      `This customer is linked to ${label} ${current.externalId} by our own id; the pipeline would put it back. Fix it at its source instead.`,
      "externalId",
    );
  }
  try {
    await inTransaction(db, async (tx) => {
      await linkIdentityManually(tx, customer.id, input.system, externalId);
      await audit(
        tx,
        actor,
        "identity.link_manual",
        { type: "customer", id: input.appUserId },
        {
          system: input.system,
          externalId,
          ...(current
            ? { replaced: { externalId: current.externalId, matchedBy: current.matchedBy, verified: current.verified } }
            : {}),
        },
      );
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const other = await taken(); // linked elsewhere in the meantime
    return other
      ? belongsToSomeoneElse(label, externalId, other)
      : fail(409, `${label} ${externalId} could not be linked. Try again.`, "externalId");
  }
  return { ok: true, message: `${label} ${externalId} is now linked to this customer.` };
}

function belongsToSomeoneElse(label: string, externalId: string, owner: Customer): OperationError {
  const who = owner.email ? `${owner.email} (${owner.appUserId})` : owner.appUserId;
  return fail(
    409,
    `${label} ${externalId} already belongs to another customer: ${who}. Unlink it there first.`,
    "externalId",
  );
}
