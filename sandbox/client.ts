// Typed client for the sandbox control API (/__sandbox/*), for tests, the demo script and the doctor.
import type { ActiveFault, FaultSpec, RecordedRequest } from "./faults";
import type { ServiceName } from "./http";
import type { Contact } from "./hubspot-contacts";
import type { PurgedContact } from "./hubspot-gdpr";
import type { StripeObject } from "./stripe-objects";
import type { ZComment, ZTicket, ZUser } from "./zendesk-objects";

/** A sandbox server: its origin ("http://127.0.0.1:12111"; any path is ignored) or anything with a `url`. */
export type ServerRef = string | { url: string };

export type SandboxState = {
  service: ServiceName;
  config: Record<string, unknown>;
  counters: Record<string, number>;
  faults: ActiveFault[];
  requests: RecordedRequest[];
};

export type StripeState = SandboxState & {
  customers: StripeObject[];
  subscriptions: StripeObject[];
  invoices: StripeObject[];
  checkoutSessions: StripeObject[];
};

export type HubspotState = SandboxState & {
  /** Successful contact writes (create, update, upsert) per email. */
  writesByEmail: Record<string, number>;
  contacts: Omit<Contact, "versions">[];
  /** Custom (non HubSpot-defined) contact properties. */
  properties: Record<string, unknown>[];
  groups: { name: string; label: string; displayOrder: number; archived: boolean }[];
  /** Contacts erased with the GDPR delete: id and time only. */
  purged: PurgedContact[];
};

export type ZendeskState = SandboxState & {
  tickets: (ZTicket & { comments: ZComment[] })[];
  users: ZUser[];
  /** Soft-deleted users (DELETE /users/{id}) not yet permanently deleted. */
  deletedUsers: ZUser[];
};

function origin(server: ServerRef): string {
  return new URL(typeof server === "string" ? server : server.url).origin;
}

async function call<T>(server: ServerRef, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${origin(server)}/__sandbox/${path}`, {
    method,
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) throw new Error(`sandbox ${method} /__sandbox/${path} answered ${res.status}: ${text}`);
  return data as T;
}

/** Queues one or more faults; they apply to the next matching requests, in order. */
export async function fault(server: ServerRef, spec: FaultSpec | FaultSpec[]): Promise<ActiveFault[]> {
  return (await call<{ faults: ActiveFault[] }>(server, "POST", "faults", spec)).faults;
}

export async function clearFaults(server: ServerRef): Promise<void> {
  await call(server, "DELETE", "faults");
}

/** Forgets objects, faults and recorded requests; config goes back to its start values. */
export async function reset(server: ServerRef): Promise<void> {
  await call(server, "POST", "reset");
}

export async function state<T extends SandboxState = SandboxState>(server: ServerRef): Promise<T> {
  return call<T>(server, "GET", "state");
}

export async function requests(
  server: ServerRef,
  filter: { path?: string; since?: number } = {},
): Promise<RecordedRequest[]> {
  const query = new URLSearchParams();
  if (filter.path) query.set("path", filter.path);
  if (filter.since) query.set("since", String(filter.since));
  return (await call<{ requests: RecordedRequest[] }>(server, "GET", `requests?${query}`)).requests;
}

/** Merges config: stripe { apiKey, idempotencyTtlMs }, hubspot { accessToken, searchLagMs },
 *  zendesk { email, token, idempotencyTtlMs, pageSize (of GET /users/{id}/tickets/requested, default 100) }. Answers the config (secrets masked). */
export async function configure(server: ServerRef, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
  return (await call<{ config: Record<string, unknown> }>(server, "POST", "config", patch)).config;
}

/** Seeds or modifies objects. Stripe: { object: "customer" | "subscription" | "invoice" | "checkout.session", id?, ... };
 *  HubSpot: { object: "contact", properties } | { object: "property", ...PropertyCreate } | { object: "group", name, label };
 *  Zendesk: { object: "user", name, email, external_id? }. */
export async function seed<T = Record<string, unknown>>(server: ServerRef, objects: unknown): Promise<T[]> {
  return (await call<{ objects: T[] }>(server, "POST", "objects", objects)).objects;
}
