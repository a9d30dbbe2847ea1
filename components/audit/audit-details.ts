// The Details of an audit entry in words: "Address 203.0.113.7 · Session 1f2e3d4c… · Role admin → viewer".
// Entries keep their details as the writer stored them (JSON, never edited); this reads the keys the writers
// use (grep `audit(` in lib/ and app/) and says them as a founder would, links events and customers, and
// shows any key it does not know as `key: value`, so a new writer's details are never hidden.

export type AuditDetailPart = {
  /** What the value is ("Address"); empty for a part that is a sentence on its own ("Rate limited"). */
  label: string;
  value: string;
  /** A console page about the value (an event, a customer, an erasure). */
  href?: string;
  /** An id or code: shown in a monospace font. */
  mono?: boolean;
  /** The full value when `value` is shortened (a session id). */
  title?: string;
};

type Obj = Record<string, unknown>;

const SYSTEM_NAMES: Record<string, string> = {
  app: "App",
  stripe: "Stripe",
  hubspot: "HubSpot",
  zendesk: "Zendesk",
  intercom: "Intercom",
  support: "Support tool",
};
const MATCHED_BY: Record<string, string> = { id: "our id", email: "email", manual: "by hand" };
const STRIPE_CANCEL: Record<string, string> = { now: "now", period_end: "at the end of the period" };
const EXPORT_STATUS: Record<string, string> = {
  included: "included",
  not_found: "not found",
  failed: "failed",
  not_linked: "not linked",
};

/** Counts and plain values, said as they are; keys listed in their reading order. */
const PLAIN: [key: string, label: string][] = [
  ["count", "Events"],
  ["ids", "Chosen"],
  ["fetched", "Fetched"],
  ["customers", "Customers"],
  ["stored", "Stored"],
  ["alreadyHad", "Already had"],
  ["olderThanWindow", "Older than the window"],
  ["checked", "Checked"],
  ["opened", "New differences"],
  ["resolved", "Resolved"],
  ["rows", "Rows"],
  ["events", "Events"],
  ["endedSessions", "Sessions ended"],
];

const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);
const system = (s: unknown) => SYSTEM_NAMES[String(s)] ?? String(s);

function text(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function dateText(value: unknown): string {
  if (typeof value !== "string") return text(value);
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** An event list filter ({ status: "failed", type: "invoice.paid" }) as "status failed, type invoice.paid". */
function filterText(filter: unknown): string {
  if (!filter || typeof filter !== "object") return text(filter);
  const entries = Object.entries(filter as Obj).filter(([, v]) => v !== undefined && v !== null && v !== "");
  if (entries.length === 0) return "none (every failed event)";
  return entries.map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(" or ") : text(v)}`).join(", ");
}

/**
 * The details of one entry as parts to read in order. `action` decides the keys whose meaning depends on
 * the action (`role` is the refused actor's role on "access.refused", the new user's role elsewhere).
 */
export function auditDetailParts(action: string, details: unknown): AuditDetailPart[] {
  if (details === null || details === undefined) return [];
  if (typeof details !== "object" || Array.isArray(details)) return [{ label: "", value: text(details) }];
  const d = { ...(details as Obj) };
  const parts: AuditDetailPart[] = [];
  const take = (key: string) => {
    const v = d[key];
    delete d[key];
    return v;
  };
  const has = (key: string) => key in d;

  // Who and from where.
  if (has("email")) parts.push({ label: "Email", value: text(take("email")) });
  if (has("address")) parts.push({ label: "Address", value: text(take("address")), mono: true });
  if (has("session")) {
    const s = text(take("session"));
    parts.push({ label: "Session", value: shortId(s), title: s, mono: true });
  }
  if (take("limited") === true) parts.push({ label: "", value: "Rate limited: too many failed attempts" });

  // Roles: a change, a refusal, or the role a user was given.
  if (has("from") && has("to")) parts.push({ label: "Role", value: `${text(take("from"))} → ${text(take("to"))}` });
  if (action === "access.refused") {
    const kind = take("kind");
    const method = take("method");
    const path = take("path");
    const name = take("action");
    if (kind === "api") parts.push({ label: "Request", value: `${text(method)} ${text(path)}`, mono: true });
    else if (name !== undefined)
      parts.push({ label: "Action", value: `${text(name)}${path ? ` on ${text(path)}` : ""}`, mono: true });
    if (has("required")) parts.push({ label: "Needs", value: text(take("required")) });
    if (has("role")) parts.push({ label: "Has", value: text(take("role")) });
  }
  if (has("role")) parts.push({ label: "Role", value: text(take("role")) });

  // Events, erasures, alerts.
  if (has("eventId")) {
    const id = text(take("eventId"));
    parts.push({
      label: "Event",
      value: shortId(id),
      title: id,
      href: `/events/${encodeURIComponent(id)}`,
      mono: true,
    });
  }
  if (has("type")) parts.push({ label: "Event type", value: text(take("type")), mono: true });
  if (has("stripeCancel")) {
    const v = text(take("stripeCancel"));
    parts.push({ label: "Stripe subscription canceled", value: STRIPE_CANCEL[v] ?? v });
  }
  if (has("title")) parts.push({ label: "Alert", value: `“${text(take("title"))}”` });
  if (has("previousStatus")) parts.push({ label: "Was", value: text(take("previousStatus")) });
  if (has("filter")) parts.push({ label: "Filter", value: filterText(take("filter")) });
  if (has("since")) {
    const since = take("since");
    parts.push({ label: "Since", value: since === null ? "where the last run stopped" : dateText(since) });
  }

  // Identities and claims.
  if (has("payer")) {
    const payer = text(take("payer"));
    parts.push({ label: "Payer", value: payer, mono: true });
  }
  for (const key of ["moved", "dropped"] as const) {
    const v = take(key);
    if (Array.isArray(v) && v.length) {
      parts.push({ label: key === "moved" ? "Moved" : "Kept own", value: v.map(system).join(", ") });
    }
  }
  if (has("system")) parts.push({ label: "System", value: system(take("system")) });
  if (has("externalId")) parts.push({ label: "Id", value: text(take("externalId")), mono: true });
  if (has("matchedBy")) {
    const v = text(take("matchedBy"));
    parts.push({ label: "Matched by", value: MATCHED_BY[v] ?? v });
  }
  if (has("verified")) parts.push({ label: "", value: take("verified") ? "Verified" : "Not verified" });
  if (has("replaced")) {
    const r = (take("replaced") ?? {}) as Obj;
    parts.push({
      label: "Replaced",
      value: `${text(r.externalId)} (matched by ${MATCHED_BY[String(r.matchedBy)] ?? text(r.matchedBy)})`,
      mono: false,
    });
  }
  if (has("fields")) {
    const f = take("fields");
    parts.push({ label: "Fields", value: Array.isArray(f) ? f.join(", ") : text(f) });
  }
  if (has("contactId")) parts.push({ label: "HubSpot contact", value: text(take("contactId")), mono: true });
  if (has("stripeObjectId")) parts.push({ label: "Stripe object", value: text(take("stripeObjectId")), mono: true });
  if (has("externalRef") && d.externalRef !== null)
    parts.push({ label: "Reference", value: text(take("externalRef")), mono: true });
  delete d.externalRef;
  if (has("actionId")) {
    const id = text(take("actionId"));
    parts.push({ label: "Recovery action", value: shortId(id), title: id, mono: true });
  }

  // Exports.
  if (has("list")) parts.push({ label: "List", value: text(take("list")) });
  if (has("filters")) {
    const f = take("filters");
    const entries = f && typeof f === "object" ? Object.entries(f as Obj) : [];
    if (entries.length) parts.push({ label: "Filters", value: entries.map(([k, v]) => `${k}=${text(v)}`).join(", ") });
  }
  if (has("systems")) {
    const s = take("systems");
    const entries = s && typeof s === "object" ? Object.entries(s as Obj) : [];
    parts.push({
      label: "Systems",
      value: entries.map(([k, v]) => `${system(k)} ${EXPORT_STATUS[String(v)] ?? text(v)}`).join(", ") || "—",
    });
  }

  for (const [key, label] of PLAIN) if (has(key)) parts.push({ label, value: text(take(key)) });
  if (take("done") === false) parts.push({ label: "", value: "Not finished: run it again to continue" });

  // How it ended.
  if (has("outcome")) parts.push({ label: "Outcome", value: text(take("outcome")) });
  if (has("refused")) parts.push({ label: "Refused", value: `HTTP ${text(take("refused"))}` });
  if (has("status")) {
    const s = take("status");
    if (s !== null) parts.push({ label: "HTTP status", value: text(s) });
  }
  if (has("failures")) {
    const f = take("failures");
    if (Array.isArray(f) && f.length) {
      const said = f.map((x: Obj) => `${system(x.system)}: ${text(x.error)}`).join("; ");
      parts.push({ label: "Could not read", value: said });
    }
  }
  if (has("error")) {
    const e = take("error");
    if (e !== null && e !== undefined && e !== "") parts.push({ label: "Error", value: text(e) });
  }

  // Whatever a writer added that this list does not know yet.
  for (const [key, value] of Object.entries(d)) parts.push({ label: `${key}:`, value: text(value), mono: true });
  return parts;
}

/** The parts as one line of plain text (the cell's tooltip, CSV-like reading, tests). */
export function auditDetailsText(action: string, details: unknown): string {
  return auditDetailParts(action, details)
    .map((p) => (p.label ? `${p.label} ${p.title ?? p.value}` : p.value))
    .join(" · ");
}
