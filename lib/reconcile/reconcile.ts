// Reconciliation: reads back what Stripe, HubSpot and Zendesk hold for a batch of customers and compares it
// with our records (the entitlement against Stripe's current subscription, the managed contact properties
// against the projection, the requester's external id against the app user id). Each difference is an open
// drift finding; a finding that matches again is resolved. It only reads: repairs are lib/commands/drift.ts.
import type Stripe from "stripe";
import type { Db } from "@/db";
import {
  type DriftSystem,
  type DriftValues,
  type ReconcileSubject,
  openDriftOf,
  reconcileSubjects,
  recordDrift,
  resolveDrift,
} from "@/db/queries/drift";
import type { Services } from "@/lib/integrations";
import { classifyStripeError } from "@/lib/integrations/stripe/errors";
import { currentSubscription } from "@/lib/pipeline/handlers/stripe/customer-imported";
import { contactProjection } from "@/lib/pipeline/steps/sync-crm";
import { changeFromSubscription } from "@/lib/pipeline/steps/update-entitlement";
import type { EntitlementChange } from "@/db/queries/entitlements";
import { log } from "@/lib/log";
import { DATE_CONTACT_PROPERTIES, MANAGED_CONTACT_PROPERTIES } from "./fields";

export type ReconcileServices = Pick<Services, "stripe" | "hubspot" | "zendesk">;

export type ReconcileOptions = {
  /** Only these customers (by our id); otherwise every customer, paged by id. */
  customerIds?: string[];
  /** Customers read per batch (HubSpot reads up to 100 contacts a call). */
  batchSize?: number;
  /** Start after this customer id (a periodic run resuming where the last tick stopped). */
  afterId?: string;
  /** Stop after this many customers (a periodic tick stays short); the answer says where. */
  maxCustomers?: number;
  now?: () => Date;
};

export type ReconcileOutcome = {
  checked: number;
  opened: number;
  resolved: number;
  /** Systems that could not be read for some customers (their findings are left as they were). */
  failures: { system: DriftSystem; customers: number; error: string }[];
  /** The last customer id checked, and whether every customer after `afterId` was checked. */
  lastId: string | null;
  done: boolean;
};

type Check = { customerId: string; system: DriftSystem; differences: Omit<DriftValues, "customerId" | "system">[] };

/** Compares a batch (or all) of customers with the three systems and records the drift. */
export async function reconcileCustomers(
  db: Db,
  services: ReconcileServices,
  opts: ReconcileOptions = {},
): Promise<ReconcileOutcome> {
  const batchSize = Math.min(Math.max(opts.batchSize ?? 100, 1), 100);
  const now = opts.now ?? (() => new Date());
  const outcome: ReconcileOutcome = { checked: 0, opened: 0, resolved: 0, failures: [], lastId: null, done: false };
  let afterId = opts.afterId;
  const ids = opts.customerIds ? [...new Set(opts.customerIds)] : undefined;
  let idOffset = 0;
  for (;;) {
    const room = opts.maxCustomers === undefined ? batchSize : Math.min(batchSize, opts.maxCustomers - outcome.checked);
    if (room <= 0) break;
    const subjects = ids
      ? await reconcileSubjects(db, { ids: ids.slice(idOffset, idOffset + room), limit: room })
      : await reconcileSubjects(db, { afterId, limit: room });
    if (ids) idOffset += room;
    if (subjects.length === 0 && (!ids || idOffset >= ids.length)) {
      outcome.done = true;
      break;
    }
    const checks = [
      ...(await checkHubspot(db, services, subjects, outcome)),
      ...(await checkStripe(services, subjects, outcome)),
      ...(await checkZendesk(services, subjects, outcome)),
    ];
    await record(
      db,
      subjects.map((s) => s.customer.id),
      checks,
      now(),
      outcome,
    );
    outcome.checked += subjects.length;
    const last = subjects.at(-1)?.customer.id;
    if (last) outcome.lastId = afterId = last;
    if (ids ? idOffset >= ids.length : subjects.length < room) {
      outcome.done = true;
      break;
    }
  }
  return outcome;
}

/** Writes the differences found; resolves the open findings of what was checked and now matches. */
async function record(db: Db, customerIds: string[], checks: Check[], at: Date, outcome: ReconcileOutcome) {
  const open = await openDriftOf(db, customerIds);
  const key = (customerId: string, system: string, field: string) => `${customerId}|${system}|${field}`;
  const openKeys = new Map(open.map((f) => [key(f.customerId, f.system, f.field), f]));
  const stillDifferent = new Set<string>();
  const checked = new Set(checks.map((c) => `${c.customerId}|${c.system}`));
  for (const c of checks) {
    for (const d of c.differences) {
      const k = key(c.customerId, c.system, d.field);
      stillDifferent.add(k);
      if (!openKeys.has(k)) outcome.opened += 1;
      await recordDrift(db, { customerId: c.customerId, system: c.system, ...d }, at);
    }
  }
  const matched = open
    .filter(
      (f) => checked.has(`${f.customerId}|${f.system}`) && !stillDifferent.has(key(f.customerId, f.system, f.field)),
    )
    .map((f) => f.id);
  outcome.resolved += await resolveDrift(db, matched, "matched", at);
}

function failed(outcome: ReconcileOutcome, system: DriftSystem, customers: number, err: unknown) {
  const error = err instanceof Error ? err.message : String(err);
  outcome.failures.push({ system, customers, error });
  log.warn("reconcile.read_failed", { system, customers, error });
}

/** A property value as compared: null and "" are the same; emails in lower case; dates as the day. */
export function normaliseProperty(name: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (name === "email") return value.trim().toLowerCase();
  if (DATE_CONTACT_PROPERTIES.includes(name)) {
    const date = /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
    return Number.isNaN(date.getTime()) ? value : date.toISOString().slice(0, 10);
  }
  return value;
}

/** The managed properties the projection sets for this customer, normalised (what HubSpot should hold). */
export async function expectedContact(db: Db, customerId: string): Promise<Record<string, string | null>> {
  const p = await contactProjection(db, customerId);
  const wanted: Record<string, string | null | undefined> = {
    ...p.properties,
    ...(p.email ? { email: p.email } : {}),
    ...(p.appUserId ? { app_user_id: p.appUserId } : {}),
  };
  const out: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(wanted)) {
    if ((MANAGED_CONTACT_PROPERTIES as readonly string[]).includes(name)) out[name] = normaliseProperty(name, value);
  }
  return out;
}

async function checkHubspot(
  db: Db,
  services: ReconcileServices,
  subjects: ReconcileSubject[],
  outcome: ReconcileOutcome,
): Promise<Check[]> {
  const linked = subjects.filter((s) => s.links.hubspot);
  if (linked.length === 0) return [];
  let contacts: Map<string, Record<string, string | null>>;
  try {
    contacts = await services.hubspot.readContacts(
      linked.map((s) => s.links.hubspot as string),
      [...MANAGED_CONTACT_PROPERTIES],
    );
  } catch (err) {
    failed(outcome, "hubspot", linked.length, err);
    return [];
  }
  const checks: Check[] = [];
  for (const s of linked) {
    const contactId = s.links.hubspot as string;
    const contact = contacts.get(contactId);
    if (!contact) {
      checks.push({
        customerId: s.customer.id,
        system: "hubspot",
        differences: [{ field: "contact", expected: contactId, actual: null }],
      });
      continue;
    }
    const expected = await expectedContact(db, s.customer.id);
    const differences = Object.entries(expected).flatMap(([field, want]) => {
      const have = normaliseProperty(field, contact[field]);
      return want === have ? [] : [{ field, expected: want, actual: have }];
    });
    checks.push({ customerId: s.customer.id, system: "hubspot", differences });
  }
  return checks;
}

/**
 * What Stripe says the entitlement should be now: the current subscription's change, `none` when the
 * entitlement came from a subscription Stripe no longer has, or null when Stripe has no say (no subscription
 * and the access, if any, is a one-time payment's).
 */
export async function stripeEntitlement(
  stripe: Stripe,
  stripeCustomerId: string,
  entitlement: ReconcileSubject["entitlement"],
): Promise<EntitlementChange | null> {
  let subs: Stripe.Subscription[];
  try {
    subs = (await stripe.subscriptions.list({ customer: stripeCustomerId, status: "all", limit: 100 })).data;
  } catch (err) {
    throw classifyStripeError(err);
  }
  const current = currentSubscription(subs);
  const change = current ? changeFromSubscription(current as unknown as Record<string, unknown>) : null;
  const oneTime = Boolean(entitlement?.stripePaymentIntentId);
  if (!change) {
    if (!entitlement?.stripeSubscriptionId || oneTime) return null;
    return { status: "none", stripeSubscriptionId: entitlement.stripeSubscriptionId };
  }
  // A one-time payment grants this access: an ended subscription says nothing against it.
  if (oneTime && (change.status === "canceled" || change.status === "none")) return null;
  return change;
}

/** Stripe subscription lists read at once (one call per customer with a Stripe link). */
const STRIPE_CONCURRENCY = 5;

async function checkStripe(
  services: ReconcileServices,
  subjects: ReconcileSubject[],
  outcome: ReconcileOutcome,
): Promise<Check[]> {
  const linked = subjects.filter((s) => s.links.stripe);
  const wanted = new Map<string, EntitlementChange | null>();
  let failures = 0;
  let lastError: unknown;
  for (let i = 0; i < linked.length; i += STRIPE_CONCURRENCY) {
    await Promise.all(
      linked.slice(i, i + STRIPE_CONCURRENCY).map(async (s) => {
        try {
          wanted.set(s.customer.id, await stripeEntitlement(services.stripe, s.links.stripe as string, s.entitlement));
        } catch (err) {
          failures += 1;
          lastError = err;
        }
      }),
    );
  }
  if (failures) failed(outcome, "stripe", failures, lastError);
  return linked.flatMap((s) => {
    if (!wanted.has(s.customer.id)) return [];
    const want = wanted.get(s.customer.id);
    const differences: Check["differences"] = [];
    if (want) {
      const haveStatus = s.entitlement?.status ?? "none";
      const havePlan = s.entitlement?.plan ?? null;
      if (want.status !== haveStatus)
        differences.push({ field: "entitlement.status", expected: want.status, actual: haveStatus });
      // A plan Stripe does not name (no lookup key) is not a difference: the entitlement keeps the one it had;
      // nor is the plan of a subscription that grants nothing (a first payment that failed, a canceled one).
      const grants = want.status === "active" || want.status === "trialing" || want.status === "past_due";
      if (grants && want.plan && want.plan !== havePlan)
        differences.push({ field: "entitlement.plan", expected: want.plan, actual: havePlan });
    }
    return [{ customerId: s.customer.id, system: "stripe" as const, differences }];
  });
}

async function checkZendesk(
  services: ReconcileServices,
  subjects: ReconcileSubject[],
  outcome: ReconcileOutcome,
): Promise<Check[]> {
  // A provisional customer (a payer the app has not announced) has no app user id to link a requester to.
  const linked = subjects.filter((s) => s.links.zendesk && !s.customer.provisional && /^\d+$/.test(s.links.zendesk));
  if (linked.length === 0) return [];
  let users: Awaited<ReturnType<ReconcileServices["zendesk"]["showUsers"]>>;
  try {
    users = await services.zendesk.showUsers(linked.map((s) => Number(s.links.zendesk)));
  } catch (err) {
    failed(outcome, "zendesk", linked.length, err);
    return [];
  }
  return linked.map((s) => {
    const actual = users.get(Number(s.links.zendesk))?.externalId ?? null;
    const expected = s.customer.appUserId;
    return {
      customerId: s.customer.id,
      system: "zendesk" as const,
      differences: actual === expected ? [] : [{ field: "external_id", expected, actual }],
    };
  });
}
