// What the sandboxes hold for one scenario's customers: contacts, writes, tickets and requesters, with
// duplicates counted the way a founder would notice them (two contacts for one user, two tickets for one request).
import * as control from "../../sandbox/client";
import type { HubspotState, ZendeskState } from "../../sandbox/client";
import type { Sandbox } from "../../sandbox";

export type HubspotView = {
  contacts: number;
  /** Contacts sharing an app_user_id or an email with another contact. */
  duplicateContacts: number;
  /** Successful contact writes per email (create, update, upsert). */
  writesByEmail: Record<string, number>;
  byAppUserId: Map<string, Record<string, string>>;
};

export async function hubspotView(sandbox: Sandbox, appUserIdPrefix: string): Promise<HubspotView> {
  const state = await control.state<HubspotState>(sandbox.hubspot);
  const mine = state.contacts.filter((c) => (c.properties.app_user_id ?? "").startsWith(appUserIdPrefix));
  const ids = new Set(mine.map((c) => c.properties.app_user_id));
  const emails = new Set(mine.map((c) => c.properties.email?.toLowerCase()));
  const byAppUserId = new Map(mine.map((c) => [c.properties.app_user_id!, c.properties]));
  const writesByEmail = Object.fromEntries(
    Object.entries(state.writesByEmail).filter(([email]) => email.startsWith(appUserIdPrefix.toLowerCase())),
  );
  return {
    contacts: mine.length,
    duplicateContacts: mine.length - Math.min(ids.size, emails.size),
    writesByEmail,
    byAppUserId,
  };
}

export type ZendeskView = {
  tickets: number;
  /** Tickets beyond the first for one external_id (our SUP- reference). */
  duplicateTickets: number;
  requesters: number;
  duplicateRequesters: number;
  /** POST /api/v2/tickets.json per Idempotency-Key, from the request log. */
  createRequestsByKey: Record<string, number>;
};

export async function zendeskView(
  sandbox: Sandbox,
  references: Set<string>,
  emailPrefix: string,
): Promise<ZendeskView> {
  const state = await control.state<ZendeskState>(sandbox.zendesk);
  const tickets = state.tickets.filter((t) => t.external_id && references.has(t.external_id));
  const requesters = state.users.filter((u) => (u.email ?? "").startsWith(emailPrefix.toLowerCase()));
  const createRequestsByKey: Record<string, number> = {};
  for (const r of sandbox.zendesk.log.list()) {
    const key = r.headers["idempotency-key"];
    if (r.method === "POST" && r.path === "/api/v2/tickets.json" && key && references.has(key))
      createRequestsByKey[key] = (createRequestsByKey[key] ?? 0) + 1;
  }
  return {
    tickets: tickets.length,
    duplicateTickets: tickets.length - new Set(tickets.map((t) => t.external_id)).size,
    requesters: requesters.length,
    duplicateRequesters: requesters.length - new Set(requesters.map((u) => u.email!.toLowerCase())).size,
    createRequestsByKey,
  };
}

/** Requests each sandbox received since `sinceMs` (from the in-process request logs), and how many were faulted. */
export function requestCounts(sandbox: Sandbox, sinceMs: number) {
  const count = (server: Sandbox["hubspot"] | Sandbox["zendesk"] | Sandbox["stripe"]) => {
    const list = server.log.list().filter((r) => Date.parse(r.at) >= sinceMs);
    return {
      total: list.length,
      faulted: list.filter((r) => r.fault).length,
      writes: list.filter((r) => r.method !== "GET").length,
    };
  };
  return { hubspot: count(sandbox.hubspot), zendesk: count(sandbox.zendesk), stripe: count(sandbox.stripe) };
}

/** The last request sequence number of each sandbox: a later value means someone called it. */
export function lastSeqs(sandbox: Sandbox): Record<string, number> {
  const last = (server: Sandbox["hubspot"] | Sandbox["zendesk"] | Sandbox["stripe"]) =>
    server.log.list().at(-1)?.seq ?? 0;
  return { stripe: last(sandbox.stripe), hubspot: last(sandbox.hubspot), zendesk: last(sandbox.zendesk) };
}

/**
 * The requests each sandbox received after `seqs` (from lastSeqs), as "METHOD path", reads (GET) left out when
 * `writesOnly`: the ops tick's scheduled readiness checks read each service once on their own schedule (one
 * authenticated GET per service), whatever a scenario sends.
 */
export function requestsSince(
  sandbox: Sandbox,
  seqs: Record<string, number>,
  { writesOnly = false }: { writesOnly?: boolean } = {},
): string[] {
  const servers = { stripe: sandbox.stripe, hubspot: sandbox.hubspot, zendesk: sandbox.zendesk };
  return Object.entries(servers).flatMap(([name, server]) =>
    server.log
      .list()
      .filter((r) => r.seq > (seqs[name] ?? 0) && (!writesOnly || r.method !== "GET"))
      .map((r) => `${name} ${r.method} ${r.path}`),
  );
}
