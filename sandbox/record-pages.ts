// Read-only HTML pages for the records the console links to in the demo (lib/links/external.ts builds
// the URLs when STRIPE_API_BASE, HUBSPOT_BASE_URL and ZENDESK_BASE_URL point here): a Stripe object
// (customer, subscription, invoice, payment, charge, checkout session), a HubSpot contact, a Zendesk
// ticket or user. The links are the API's own record paths, so a page is served only to a browser
// opening one (GET, Accept: text/html, no Authorization): the SDKs and scripts, which always send their
// token, still get the JSON, and a request without a token that is not a page still gets the 401.
// Every value comes from what the console or a test wrote, so every value is escaped.
import type { IncomingHttpHeaders } from "node:http";
import type { ServiceName } from "./http";
import { isRecord } from "./util";

export type RecordPage = { status: number; headers: Record<string, string>; body: string };

/** Stripe API path segment → the object type it holds and how a page names it. */
const STRIPE_KINDS: Record<string, { object: string; what: string }> = {
  customers: { object: "customer", what: "Customer" },
  subscriptions: { object: "subscription", what: "Subscription" },
  invoices: { object: "invoice", what: "Invoice" },
  payment_intents: { object: "payment_intent", what: "Payment" },
  charges: { object: "charge", what: "Charge" },
  "checkout/sessions": { object: "checkout.session", what: "Checkout session" },
};

const STRIPE_PATH = /^\/v1\/(customers|subscriptions|invoices|payment_intents|charges|checkout\/sessions)\/([^/]+)$/;
const HUBSPOT_PATH = /^\/crm\/v3\/objects\/contacts\/([^/]+)$/;
const ZENDESK_PATH = /^\/api\/v2\/(tickets|users)\/(\d+)\.json$/;

type Row = [label: string, value: unknown];
type Section = { title: string; rows?: Row[]; list?: string[]; note?: string };
type Page = { service: string; title: string; subtitle?: string; sections: Section[]; raw?: unknown };

/**
 * The HTML page for a record link opened in a browser, or undefined when the request is anything else
 * (the service answers it as before). `dump` is the service's dump(), read only for a page request.
 */
export function recordPage(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  service: ServiceName,
  dump: () => unknown,
): RecordPage | undefined {
  if (method !== "GET" && method !== "HEAD") return undefined;
  if (headers.authorization || !String(headers.accept ?? "").includes("text/html")) return undefined;
  const path = new URL(url, "http://sandbox.local").pathname;
  let page: Page | null | undefined;
  if (service === "stripe") {
    const m = STRIPE_PATH.exec(path);
    if (m) page = stripePage(m[1], decode(m[2]), dump());
  } else if (service === "hubspot") {
    const m = HUBSPOT_PATH.exec(path);
    if (m) page = hubspotPage(decode(m[1]), dump());
  } else if (service === "zendesk") {
    const m = ZENDESK_PATH.exec(path);
    if (m) page = zendeskPage(m[1] as "tickets" | "users", Number(m[2]), dump());
  }
  if (page === undefined) return undefined;
  const body = page ? render(page) : render(notFound(service, path));
  return {
    status: page ? 200 : 404,
    headers: {
      "content-type": "text/html; charset=utf-8",
      // Nothing but the inline style: no script can run even if a value slipped through unescaped.
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
    },
    body,
  };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const list = (state: unknown, key: string): Record<string, unknown>[] =>
  isRecord(state) && Array.isArray(state[key]) ? state[key].filter(isRecord) : [];

/** Stripe keeps times as unix seconds. */
const unix = (v: unknown) =>
  typeof v === "number" ? `${new Date(v * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC` : v;
/** HubSpot and Zendesk keep ISO times: shown to the minute, as the providers' own pages do. */
const iso = (v: unknown) =>
  typeof v === "string" && !Number.isNaN(Date.parse(v))
    ? `${new Date(v).toISOString().slice(0, 16).replace("T", " ")} UTC`
    : v;
const money = (amount: unknown, currency: unknown) =>
  typeof amount === "number" ? `${(amount / 100).toFixed(2)} ${String(currency ?? "").toUpperCase()}`.trim() : amount;
const idOf = (v: unknown) => (isRecord(v) ? v.id : v);

function stripePage(segment: string, id: string, state: unknown): Page | null {
  const kind = STRIPE_KINDS[segment];
  const objects = list(state, "objects");
  const o = objects.find((x) => x.id === id && x.object === kind.object);
  if (!o) return null;
  const sections: Section[] = [];
  if (kind.object === "customer") {
    sections.push({
      title: "Details",
      rows: [
        ["Name", o.name],
        ["Email", o.email],
        ["Created", unix(o.created)],
        ["Deleted", o.deleted ? "yes" : undefined],
      ],
    });
    const subs = objects.filter((x) => x.object === "subscription" && idOf(x.customer) === id);
    sections.push({
      title: "Subscriptions",
      list: subs.map(
        (s) => `${s.id} · ${s.status} · ${planOf(s)}${s.cancel_at_period_end ? " · cancels at period end" : ""}`,
      ),
      note: subs.length ? undefined : "No subscription.",
    });
    const invoices = objects.filter((x) => x.object === "invoice" && idOf(x.customer) === id);
    sections.push({
      title: "Invoices",
      list: invoices.map((i) => `${i.id} · ${i.status} · ${money(i.amount_due, i.currency)}`),
      note: invoices.length ? undefined : "No invoice.",
    });
  } else {
    sections.push({
      title: "Details",
      rows: [
        ["Status", o.status],
        ["Customer", idOf(o.customer)],
        ["Plan", kind.object === "subscription" ? planOf(o) : undefined],
        ["Amount", money(o.amount ?? o.amount_total ?? o.amount_due, o.currency)],
        ["Current period ends", unix(o.current_period_end)],
        ["Created", unix(o.created)],
      ],
    });
  }
  if (isRecord(o.metadata) && Object.keys(o.metadata).length)
    sections.push({ title: "Metadata", rows: Object.entries(o.metadata).sort(([a], [b]) => a.localeCompare(b)) });
  const name = kind.object === "customer" ? (o.name ?? o.email) : undefined;
  return { service: "Stripe", title: `${kind.what} ${name ? String(name) : id}`, subtitle: id, sections, raw: o };
}

/** The first item's price: its lookup key or nickname, else its id. */
function planOf(sub: Record<string, unknown>): string {
  const items = isRecord(sub.items) && Array.isArray(sub.items.data) ? sub.items.data : [];
  const price = isRecord(items[0]) && isRecord(items[0].price) ? items[0].price : null;
  return String(price?.lookup_key ?? price?.nickname ?? price?.id ?? "no price");
}

function hubspotPage(id: string, state: unknown): Page | null {
  const c = list(state, "contacts").find((x) => x.id === id);
  if (!c) return null;
  const props = isRecord(c.properties) ? c.properties : {};
  const name = [props.firstname, props.lastname].filter(Boolean).join(" ");
  const rows = Object.entries(props)
    .filter(([, v]) => v !== "" && v !== null && v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return {
    service: "HubSpot",
    title: `Contact ${name || String(props.email ?? id)}`,
    subtitle: `Record ID ${id}`,
    sections: [
      {
        title: "Details",
        rows: [
          ["Email", props.email],
          ["Created", iso(c.createdAt)],
          ["Updated", iso(c.updatedAt)],
        ],
      },
      { title: "Properties", rows },
    ],
  };
}

function zendeskPage(kind: "tickets" | "users", id: number, state: unknown): Page | null {
  const users = list(state, "users");
  const userName = (uid: unknown) => {
    const u = users.find((x) => x.id === uid);
    return u ? `${String(u.name)}${u.email ? ` <${String(u.email)}>` : ""}` : uid;
  };
  if (kind === "users") {
    const u = users.find((x) => x.id === id);
    if (!u) return null;
    const tickets = list(state, "tickets").filter((t) => t.requester_id === id);
    return {
      service: "Zendesk",
      title: `User ${String(u.name)}`,
      subtitle: `User #${id}`,
      sections: [
        {
          title: "Details",
          rows: [
            ["Email", u.email],
            ["External id", u.external_id],
            ["Role", u.role],
            ["Created", iso(u.created_at)],
          ],
        },
        {
          title: "Requested tickets",
          list: tickets.map((t) => `#${t.id} · ${t.status} · ${String(t.subject ?? "")}`),
          note: tickets.length ? undefined : "No ticket.",
        },
      ],
    };
  }
  const t = list(state, "tickets").find((x) => x.id === id);
  if (!t) return null;
  const entry = (isRecord(state) && Array.isArray(state.comments) ? state.comments : []).find(
    (e: unknown) => Array.isArray(e) && e[0] === id,
  ) as [number, unknown[]] | undefined;
  const comments = (entry?.[1] ?? []).filter(isRecord);
  const fields = Array.isArray(t.custom_fields) ? t.custom_fields.filter(isRecord) : [];
  return {
    service: "Zendesk",
    title: `Ticket #${id} ${String(t.subject ?? "")}`.trim(),
    subtitle: t.external_id ? `Reference ${String(t.external_id)}` : undefined,
    sections: [
      {
        title: "Details",
        rows: [
          ["Status", t.status],
          ["Priority", t.priority],
          ["Requester", userName(t.requester_id)],
          ["Tags", Array.isArray(t.tags) ? t.tags.join(", ") : undefined],
          ["Created", iso(t.created_at)],
          ["Updated", iso(t.updated_at)],
          ...fields.map((f): Row => [`Field ${String(f.id)}`, f.value]),
        ],
      },
      {
        title: "Conversation",
        list: comments.map(
          (c) =>
            `${String(iso(c.created_at))} · ${String(userName(c.author_id))}${c.public ? "" : " (internal note)"}\n${String(c.plain_body ?? c.body ?? "")}`,
        ),
        note: comments.length ? undefined : "No comment.",
      },
    ],
  };
}

function notFound(service: ServiceName, path: string): Page {
  return {
    service: service[0].toUpperCase() + service.slice(1),
    title: "No such record",
    sections: [
      { title: "Not found", note: `The sandbox has no record at ${path}. A reset or a new demo starts empty.` },
    ],
  };
}

/** Text safe in HTML content and in a double-quoted attribute. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return '<span class="muted">—</span>';
  return escapeHtml(typeof value === "object" ? JSON.stringify(value) : value);
}

function renderSection(s: Section): string {
  const rows = (s.rows ?? []).filter(([, v]) => v !== undefined);
  const table = rows.length
    ? `<table>${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${show(v)}</td></tr>`).join("")}</table>`
    : "";
  const items = s.list?.length ? `<ul>${s.list.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>` : "";
  const note = s.note ? `<p class="muted">${escapeHtml(s.note)}</p>` : "";
  return `<section><h2>${escapeHtml(s.title)}</h2>${table}${items}${note}</section>`;
}

function render(page: Page): string {
  const raw =
    page.raw === undefined
      ? ""
      : `<details><summary>As the API returns it</summary><pre>${escapeHtml(JSON.stringify(page.raw, null, 2))}</pre></details>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${page.title} · ${page.service} sandbox`)}</title>
<style>
:root{color-scheme:light dark;--bg:#f8fafc;--card:#fff;--text:#0f172a;--muted:#475569;--line:#e2e8f0;--note:#fef3c7;--note-text:#78350f}
@media (prefers-color-scheme:dark){:root{--bg:#0b1120;--card:#111827;--text:#f1f5f9;--muted:#a8b3c5;--line:#334155;--note:#422006;--note-text:#fde68a}}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:760px;margin:0 auto;padding:24px 16px}
.banner{background:var(--note);color:var(--note-text);border-radius:6px;padding:8px 12px;margin-bottom:16px}
h1{font-size:20px;margin:0}h2{font-size:15px;margin:0 0 8px}
.sub{color:var(--muted);font-family:ui-monospace,Menlo,monospace;font-size:13px;margin:2px 0 16px;overflow-wrap:anywhere}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px;margin-bottom:12px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:4px 0;border-top:1px solid var(--line)}
th{font-weight:500;color:var(--muted);width:38%;padding-right:12px}td{overflow-wrap:anywhere}
ul{margin:0;padding-left:18px}li{white-space:pre-wrap;overflow-wrap:anywhere;margin:2px 0}
.muted{color:var(--muted)}pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px}summary{cursor:pointer;color:var(--muted)}
</style></head><body><main>
<p class="banner">${escapeHtml(page.service)} sandbox: the demo's local look-alike, not the real ${escapeHtml(page.service)}. Read-only.</p>
<h1>${escapeHtml(page.title)}</h1>${page.subtitle ? `<p class="sub">${escapeHtml(page.subtitle)}</p>` : ""}
${page.sections.map(renderSection).join("\n")}
${raw}
</main></body></html>
`;
}
