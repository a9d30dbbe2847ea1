// Drift operations, shared by the console's buttons and the admin API: check now, repair one finding, repair
// all. A repair goes through what the pipeline itself does (the HubSpot projection written by the re-sync, the
// entitlement applied from Stripe's current subscription, the requester's external id set), then resolves the
// customer's open findings of that system as `repaired` with an audit entry in the same transaction.
import { type Db, inTransaction } from "@/db";
import type { Customer, DriftFinding } from "@/db/schema";
import { audit } from "@/db/queries/audit";
import { type DriftSystem, driftFindingById, openDriftFindings, openDriftOf, resolveDrift } from "@/db/queries/drift";
import { applyEntitlement, entitlementOf } from "@/db/queries/entitlements";
import { identityOf } from "@/db/queries/identities";
import type { Actor } from "@/lib/auth/roles";
import { getServices } from "@/lib/integrations";
import { type ReconcileServices, reconcileCustomers, stripeEntitlement } from "@/lib/reconcile/reconcile";
import { SYSTEM_NAME } from "@/lib/reconcile/fields";
import { resyncCustomerToCrm } from "./customers";
import type { FailureStatus } from "@/lib/result";
import { fail, refuseRole, type OperationResult } from "./result";

/** How many open findings one "repair all" works through. */
export const REPAIR_ALL_LIMIT = 500;

/** Runs the reconciliation over every customer now (the "Check now" button, POST /api/admin/drift/check). */
export async function checkDriftNow(
  db: Db,
  actor: Actor,
  services: ReconcileServices = getServices(),
): Promise<OperationResult<{ checked: number; opened: number; resolved: number; failures: unknown[] }>> {
  const refused = refuseRole(actor, "admin");
  if (refused) return refused;
  const r = await reconcileCustomers(db, services);
  await audit(db, actor, "drift.check", null, {
    checked: r.checked,
    opened: r.opened,
    resolved: r.resolved,
    failures: r.failures,
  });
  const unread = r.failures.map((f) => `${SYSTEM_NAME[f.system]} could not be read (${f.error})`).join("; ");
  return {
    ok: true,
    checked: r.checked,
    opened: r.opened,
    resolved: r.resolved,
    failures: r.failures,
    message: `Checked ${r.checked} customer${r.checked === 1 ? "" : "s"}: ${r.opened} new difference${r.opened === 1 ? "" : "s"}, ${r.resolved} resolved.${unread ? ` ${unread}.` : ""}`,
  };
}

type RepairServices = ReconcileServices;

/** Repairs one finding (with the other open findings of its customer and system), or every open finding. */
export async function repairDrift(
  db: Db,
  actor: Actor,
  target: string | "all",
  services: RepairServices = getServices(),
): Promise<OperationResult<{ repaired: number; failed: number }>> {
  const refused = refuseRole(actor, "admin");
  if (refused) return refused;
  if (target !== "all") {
    const found = await driftFindingById(db, target);
    if (!found) return fail(404, "No such drift finding. Reload the page.");
    if (found.finding.resolvedAt)
      return fail(409, `This difference was already resolved (${found.finding.resolution}). Reload the page.`);
    const r = await repairGroup(db, actor, found.customer, found.finding.system as DriftSystem, services);
    if (!r.ok) return r;
    return { ok: true, repaired: r.repaired, failed: 0, message: r.message };
  }
  const open = await openDriftFindings(db, REPAIR_ALL_LIMIT);
  const groups = new Map<string, { customer: Customer; system: DriftSystem; findings: DriftFinding[] }>();
  for (const { finding, customer } of open) {
    const key = `${customer.id}|${finding.system}`;
    const group = groups.get(key) ?? { customer, system: finding.system as DriftSystem, findings: [] };
    group.findings.push(finding);
    groups.set(key, group);
  }
  let repaired = 0;
  let failed = 0;
  const errors: string[] = [];
  for (const g of groups.values()) {
    const r = await repairGroup(db, actor, g.customer, g.system, services);
    if (r.ok) repaired += r.repaired;
    else {
      failed += g.findings.length;
      if (errors.length < 3) errors.push(`${g.customer.email ?? g.customer.appUserId}: ${r.error}`);
    }
  }
  const message =
    open.length === 0
      ? "Nothing to repair: everything matches."
      : `Repaired ${repaired} difference${repaired === 1 ? "" : "s"}${failed ? `; ${failed} failed (${errors.join("; ")})` : ""}.`;
  return { ok: true, repaired, failed, message };
}

/** Repairs what is open for one customer in one system; answers how many findings it resolved. */
async function repairGroup(
  db: Db,
  actor: Actor,
  customer: Customer,
  system: DriftSystem,
  services: RepairServices,
): Promise<OperationResult<{ repaired: number }>> {
  const target = { type: "customer", id: customer.appUserId };
  const open = (await openDriftOf(db, [customer.id])).filter((f) => f.system === system);
  if (open.length === 0) return { ok: true, repaired: 0, message: "Already resolved." };
  const fields = open.map((f) => f.field);
  const resolve = async (details: Record<string, unknown> = {}, tx?: Db) => {
    const work = async (t: Db) => {
      const n = await resolveDrift(
        t,
        open.map((f) => f.id),
        "repaired",
        new Date(),
      );
      await audit(t, actor, "drift.repair", target, { system, fields, outcome: "succeeded", ...details });
      return n;
    };
    return tx ? work(tx) : inTransaction(db, work);
  };
  const failed = async (error: string, status: FailureStatus = 502) => {
    await audit(db, actor, "drift.repair", target, { system, fields, outcome: "failed", error });
    return fail(status, error);
  };

  if (system === "hubspot") {
    // The projection written as every event writes it (the re-sync is audited on its own too).
    const r = await resyncCustomerToCrm(db, actor, customer.appUserId, services);
    if (!r.ok) return failed(r.error, r.status);
    const repaired = await resolve({ contactId: r.contactId });
    return { ok: true, repaired, message: `HubSpot contact ${r.contactId} rewritten from our records.` };
  }

  if (system === "stripe") {
    const stripeId = await identityOf(db, customer.id, "stripe");
    if (!stripeId) return failed("This customer has no Stripe link any more.", 409);
    let want: Awaited<ReturnType<typeof stripeEntitlement>>;
    try {
      want = await stripeEntitlement(services.stripe, stripeId, await entitlementOf(db, customer.id));
    } catch (err) {
      return failed(`Stripe could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Stripe's state as of now: newer than anything applied, so it applies (a later event still wins over it).
    const repaired = await inTransaction(db, async (tx) => {
      if (want) await applyEntitlement(tx, customer.id, want, new Date(), `reconcile:${open[0]?.id}`);
      return resolve({ applied: want ? { status: want.status, plan: want.plan ?? null } : null }, tx);
    });
    const crm = await resyncCustomerToCrm(db, actor, customer.appUserId, services);
    const note = crm.ok ? " HubSpot updated." : ` HubSpot not updated: ${crm.error}`;
    return {
      ok: true,
      repaired,
      message: `Entitlement set from Stripe: ${want ? `${want.status}${want.plan ? ` (${want.plan})` : ""}` : "unchanged"}.${note}`,
    };
  }

  const zendeskId = await identityOf(db, customer.id, "zendesk");
  if (!zendeskId || !/^\d+$/.test(zendeskId)) return failed("This customer has no Zendesk link any more.", 409);
  if (customer.provisional) return failed("A customer the app has not announced has no app user id to set.", 409);
  try {
    await services.zendesk.setUserExternalId(Number(zendeskId), customer.appUserId);
  } catch (err) {
    return failed(`Zendesk refused the update: ${err instanceof Error ? err.message : String(err)}`);
  }
  const repaired = await resolve({ zendeskUserId: zendeskId });
  return { ok: true, repaired, message: `Zendesk user ${zendeskId} linked to ${customer.appUserId} again.` };
}
