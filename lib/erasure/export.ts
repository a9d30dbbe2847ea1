// A person's data request (issue 19), as the console and the admin API carry it out: the export ("download this
// person's data": our records plus what Stripe, HubSpot and Zendesk or Intercom hold, live) and the owner's
// typed confirmation that starts an erasure. A system that cannot be read is reported inside the file, never as
// a failed download: the founder still gets everything else for the data-access request.
import type { Db } from "@/db";
import { listCustomerAlerts } from "@/db/queries/alerts";
import { listAuditLog } from "@/db/queries/audit";
import { getCustomerByAppUserId } from "@/db/queries/customers";
import { getEventDetail, listEvents } from "@/db/queries/events";
import { listCustomerTickets } from "@/db/queries/support-tickets";
import type { Customer, Identity } from "@/db/schema";
import type { Actor } from "@/lib/auth/roles";
import { startErasure } from "@/lib/commands/erase";
import { serviceName } from "@/lib/errors/explain";
import type { Services } from "@/lib/integrations";
import { IntegrationError } from "@/lib/integrations/errors";
import { exportStripeCustomer } from "@/lib/integrations/stripe/erasure";
import { tombstoneAppUserId } from "./subjects";
import { fail, type Result } from "@/lib/result";

/** Bumped when the file's shape changes, so whoever reads an old export knows what they hold. */
export const DATA_EXPORT_FORMAT = "founder-ops/person-data/1";
/** A customer's events read into one file; beyond it the file says it is cut (a data request rarely needs more). */
export const MAX_EXPORT_EVENTS = 5_000;
const MAX_EXPORT_AUDIT = 2_000;
const PAGE = 100;

/** What one outside system holds: its data, why it could not be read (`error`), or that it is not linked. */
export type SystemSection =
  | { status: "included"; id: string; data: unknown }
  | { status: "not_found"; id: string; note: string }
  | { status: "failed"; id: string; error: string }
  | { status: "not_linked"; note: string };

export type PersonDataExport = {
  format: typeof DATA_EXPORT_FORMAT;
  exportedAt: string;
  exportedBy: string;
  appUserId: string;
  /** One word per system for a quick look: included, failed, not_found, not_linked. */
  summary: Record<string, SystemSection["status"]>;
  ourRecords: Awaited<ReturnType<typeof ourRecords>>;
  stripe: SystemSection;
  hubspot: SystemSection;
  zendesk: SystemSection;
  intercom: SystemSection;
};

/** Route params arrive encoded when the id has characters a URL escapes; a bare `%` in an id stays as it is. */
export function decodeAppUserId(value: string): string {
  try {
    return /%[0-9a-f]{2}/i.test(value) ? decodeURIComponent(value) : value;
  } catch {
    return value;
  }
}

/** A system's failure in words, for the file: "HubSpot answered HTTP 503: …". Never a token (the SDKs keep them out). */
function describeFailure(err: unknown): string {
  if (err instanceof IntegrationError)
    return `${serviceName(err.service)} answered${err.status ? ` HTTP ${err.status}` : ""}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

async function section(
  label: string,
  id: string | undefined,
  read: (id: string) => Promise<unknown | null>,
): Promise<SystemSection> {
  if (!id) return { status: "not_linked", note: `No ${label} record is linked to this person.` };
  try {
    const data = await read(id);
    if (data === null) return { status: "not_found", id, note: `${label} no longer has ${id}.` };
    return { status: "included", id, data };
  } catch (err) {
    return { status: "failed", id, error: describeFailure(err) };
  }
}

/** Every event of the customer with its payload and what each step made, oldest pages first, up to the cap. */
async function customerEvents(db: Db, customerId: string) {
  const out: unknown[] = [];
  let total = 0;
  for (let page = 1; out.length < MAX_EXPORT_EVENTS; page++) {
    const listed = await listEvents(db, { customer: customerId, page, perPage: PAGE });
    total = listed.total;
    // Ten at a time: one event's detail is two small indexed reads.
    for (let i = 0; i < listed.rows.length; i += 10) {
      const details = await Promise.all(listed.rows.slice(i, i + 10).map((r) => getEventDetail(db, r.id)));
      for (const d of details) {
        if (!d) continue;
        out.push({
          id: d.event.id,
          source: d.event.source,
          externalId: d.event.externalId,
          type: d.event.type,
          status: d.event.status,
          occurredAt: d.event.occurredAt,
          receivedAt: d.event.receivedAt,
          payload: d.payload,
          payloadRemovedAt: d.event.redactedAt,
          steps: d.steps.map((s) => ({ step: s.step, status: s.status, externalRef: s.externalRef, output: s.output })),
        });
      }
    }
    if (listed.rows.length < PAGE) break;
  }
  return { rows: out.slice(0, MAX_EXPORT_EVENTS), total, cut: total > MAX_EXPORT_EVENTS };
}

async function auditEntries(db: Db, appUserId: string) {
  const out = [];
  for (let page = 1; out.length < MAX_EXPORT_AUDIT; page++) {
    const { rows } = await listAuditLog(db, { target: appUserId, page, perPage: PAGE });
    out.push(...rows.map((r) => ({ at: r.createdAt, by: r.actorEmail, action: r.action, details: r.details ?? null })));
    if (rows.length < PAGE) break;
  }
  return out;
}

async function ourRecords(db: Db, found: { customer: Customer; identities: Identity[]; entitlement: unknown }) {
  const { customer } = found;
  const [events, supportTickets, alerts, audit] = await Promise.all([
    customerEvents(db, customer.id),
    listCustomerTickets(db, customer),
    listCustomerAlerts(db, customer.id),
    auditEntries(db, customer.appUserId),
  ]);
  return {
    customer,
    identities: found.identities.map((i) => ({
      system: i.system,
      externalId: i.externalId,
      matchedBy: i.matchedBy,
      verified: i.verified,
      createdAt: i.createdAt,
    })),
    entitlement: found.entitlement,
    events: events.rows,
    eventsTotal: events.total,
    ...(events.cut
      ? { eventsNote: `Only the newest ${MAX_EXPORT_EVENTS} of ${events.total} events are in this file.` }
      : {}),
    // The full text of each support request is in its support.requested event's payload above.
    supportTickets,
    alerts,
    auditEntries: audit,
  };
}

/**
 * One JSON document with what every system holds about the person: our records (customer, identities,
 * entitlement, events with their payloads, support tickets, alerts, audit entries about them) and the live
 * Stripe customer (subscriptions, invoices), HubSpot contact, Zendesk user and tickets, Intercom contact and
 * conversations. 404 for an unknown (or erased) person. The outside systems are read in parallel.
 */
export async function exportPersonData(
  db: Db,
  services: Services,
  actor: Actor,
  appUserId: string,
  now = new Date(),
): Promise<Result<{ data: PersonDataExport; filename: string }>> {
  const found = await getCustomerByAppUserId(db, appUserId);
  if (!found || found.customer.erasedAt) {
    const erased = found ?? (await getCustomerByAppUserId(db, tombstoneAppUserId(appUserId)));
    return erased?.customer.erasedAt
      ? fail(404, `The person with app user id "${appUserId}" was erased: no data about them is held any more.`)
      : fail(404, `No customer with app user id "${appUserId}".`);
  }
  const linked = (system: Identity["system"]) => found.identities.find((i) => i.system === system)?.externalId;
  const [records, stripe, hubspot, zendesk, intercom] = await Promise.all([
    ourRecords(db, found),
    section("Stripe", linked("stripe"), (id) => exportStripeCustomer(services.stripe, id)),
    section("HubSpot", linked("hubspot"), (id) => services.hubspot.exportContact(id)),
    section("Zendesk", linked("zendesk"), (id) => services.zendesk.exportUser(id)),
    section("Intercom", linked("intercom"), (id) => services.intercom.exportContact(id)),
  ]);
  const data: PersonDataExport = {
    format: DATA_EXPORT_FORMAT,
    exportedAt: now.toISOString(),
    exportedBy: actor.email,
    appUserId,
    summary: {
      ourRecords: "included",
      stripe: stripe.status,
      hubspot: hubspot.status,
      zendesk: zendesk.status,
      intercom: intercom.status,
    },
    ourRecords: records,
    stripe,
    hubspot,
    zendesk,
    intercom,
  };
  return { ok: true, data, filename: exportFilename(appUserId, now) };
}

/** `<appUserId>-data-<yyyy-mm-dd>.json`, with anything a header or a file system would trip on replaced. */
export function exportFilename(appUserId: string, now = new Date()): string {
  const safe = appUserId.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 100) || "person";
  return `${safe}-data-${now.toISOString().slice(0, 10)}.json`;
}

/** What the owner typed must name the person: their app user id exactly, or their email (any case). */
export function confirmationMatches(customer: Pick<Customer, "appUserId" | "email">, typed: string): boolean {
  const text = typed.trim();
  if (!text) return false;
  if (text === customer.appUserId) return true;
  return customer.email !== null && text.toLowerCase() === customer.email.trim().toLowerCase();
}

export type ErasureRequest = { appUserId: string; confirm: string; reason?: string | null };

/**
 * The console's and the admin API's "erase this person" after the owner check: 404 unknown, 409 already
 * erased, 400 when the confirmation does not name the person (nothing written), else the erasure started.
 */
export async function requestErasure(
  db: Db,
  actor: Actor,
  input: ErasureRequest,
): Promise<Result<{ erasureId: string; eventId: string }>> {
  const found = await getCustomerByAppUserId(db, input.appUserId);
  if (!found || found.customer.erasedAt) {
    const erased = found ?? (await getCustomerByAppUserId(db, tombstoneAppUserId(input.appUserId)));
    return erased?.customer.erasedAt
      ? fail(409, `The person with app user id "${input.appUserId}" is already erased.`)
      : fail(404, `No customer with app user id "${input.appUserId}".`);
  }
  const { customer } = found;
  if (!confirmationMatches(customer, input.confirm))
    return fail(
      400,
      `The confirmation does not match: type the app user id "${customer.appUserId}"${customer.email ? " or the person's email" : ""} to erase them.`,
      "confirm",
    );
  const reason = input.reason?.trim() || null;
  return startErasure(db, { appUserId: customer.appUserId, requestedBy: actor.email, reason, actor });
}
