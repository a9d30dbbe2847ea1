// A payer the app had not announced, claimed by an app user whose email the app says is unverified: the
// claim waits for the founder. Confirm merges the payer into the app user (identities, entitlement, tickets,
// timeline) and grants what they paid for; "not the same person" clears the claim. Each change is written with
// its audit entry in one transaction.
import { type Db, inTransaction } from "@/db";
import { audit } from "@/db/queries/audit";
import { clearPendingClaim, customerByAppUserId, mergeProvisionalCustomer } from "@/db/queries/identities";
import type { Customer } from "@/db/schema";
import type { Actor } from "@/lib/auth/roles";
import { getServices, type Services } from "@/lib/integrations";
import { resyncCustomerToCrm } from "./customers";
import { fail, refuseRole, type OperationError, type OperationResult } from "./result";

export type ClaimTarget = { provisionalKey: string; appUserId: string };

async function findClaim(db: Db, t: ClaimTarget): Promise<{ payer: Customer; owner: Customer } | OperationError> {
  const payer = await customerByAppUserId(db, t.provisionalKey);
  if (!payer?.provisional)
    return fail(404, "This payer has already been matched to an app user (or no longer exists). Reload the page.");
  if (payer.pendingClaimAppUserId !== t.appUserId)
    return fail(409, "The claim on this payer changed since the page loaded. Reload and check it again.");
  const owner = await customerByAppUserId(db, t.appUserId);
  if (!owner) return fail(404, `No customer with app user id "${t.appUserId}".`);
  return { payer, owner };
}

/** The founder checked that the app user is the payer: merge them; access follows what was paid. */
export async function confirmClaim(
  db: Db,
  actor: Actor,
  t: ClaimTarget,
  services: Pick<Services, "hubspot"> = getServices(),
): Promise<OperationResult> {
  const refused = refuseRole(actor, "admin");
  if (refused) return refused;
  const found = await findClaim(db, t);
  if ("ok" in found) return found;
  const outcome = await inTransaction(db, async (tx) => {
    const merged = await mergeProvisionalCustomer(tx, found.payer.id, found.owner.id, {
      matchedBy: "manual",
      verified: true,
    });
    if (merged.merged)
      await audit(
        tx,
        actor,
        "customer.claim_confirmed",
        { type: "customer", id: t.appUserId },
        {
          payer: t.provisionalKey,
          moved: merged.moved,
          dropped: merged.dropped,
        },
      );
    return merged;
  });
  if (!outcome.merged) return fail(409, "This payer was matched meanwhile. Reload the page.");
  const dropped = outcome.dropped.length ? ` Kept this customer's own ${outcome.dropped.join(", ")} link.` : "";
  // HubSpot follows at once (the next event would do it too).
  const crm = await resyncCustomerToCrm(db, actor, t.appUserId, services);
  const crmNote = crm.ok ? " HubSpot is up to date." : ` HubSpot not updated yet: ${crm.error}`;
  return {
    ok: true,
    message: `The payment is now ${t.appUserId}'s: access follows what was paid.${dropped}${crmNote}`,
  };
}

/** The founder says the app user is not the payer: the claim is cleared, the payer stays unmatched. */
export async function rejectClaim(db: Db, actor: Actor, t: ClaimTarget): Promise<OperationResult> {
  const refused = refuseRole(actor, "admin");
  if (refused) return refused;
  const found = await findClaim(db, t);
  if ("ok" in found) return found;
  await inTransaction(db, async (tx) => {
    await clearPendingClaim(tx, found.payer.id);
    await audit(
      tx,
      actor,
      "customer.claim_rejected",
      { type: "customer", id: t.appUserId },
      {
        payer: t.provisionalKey,
      },
    );
  });
  return { ok: true, message: `${t.appUserId} is not this payer: the payment stays unmatched.` };
}
