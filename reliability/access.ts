// Access: every page and route of the build (from its route manifest) without a session, and with a forged
// session cookie, is redirected to /sign-in (pages) or refused with 401 JSON (API), except the few routes
// that are public by design (sign-in, auth, health, ping, signed webhooks). A viewer (made with
// db/queries/users.ts, signed in through the real credentials flow) can read but every write — admin API POSTs
// and every server action of the build — is refused with 403 and changes nothing. No refusal carries
// customer data. Every response (pages, API, static files, both webhook routes on server.ts's fast path)
// carries the security headers of lib/http/security-headers.ts, every page a Content-Security-Policy whose
// nonce is on each of its <script> tags, and Strict-Transport-Security appears only when the server is
// configured for HTTPS (checked on a second server with an https APP_URL, same build).
import fs from "node:fs";
import path from "node:path";
import { inspectEnv } from "../lib/env";
import { nonceOf, securityHeaders, servedOverHttps } from "../lib/http/security-headers";
import type { Context } from "./lib/context";
import { diffCounts, settle, tableCounts } from "./lib/db";
import { Checks, type ScenarioResult } from "./lib/report";
import { AppServer, freePort } from "./lib/server";
import { callAction, form, serverActions } from "./lib/server-actions";
import { ensureUser, mintedSession, signIn } from "./lib/session";
import { appEvent, deliver, send, signup, stripeEvent, supportRequest, type Reply } from "./lib/webhooks";
import { SECRET_NAMES, SECRETS } from "./lib/config";

type Sample = {
  appUserId: string;
  email: string;
  name: string;
  eventId: string;
  reference: string;
  correlationId: string;
};

/** Routes that answer without a session on purpose, and what they must answer. */
const PUBLIC: Record<string, { method: string; path?: string; expect: (status: number) => boolean; why: string }[]> = {
  "/sign-in": [{ method: "GET", expect: (s) => s === 200, why: "the sign-in page" }],
  "/icon.svg": [{ method: "GET", expect: (s) => s === 200, why: "the favicon, also on the sign-in page" }],
  "/api/auth/[...nextauth]": [
    { method: "GET", path: "/api/auth/session", expect: (s) => s === 200, why: "Auth.js: no session → null" },
    { method: "GET", path: "/api/auth/providers", expect: (s) => s === 200, why: "Auth.js: provider list" },
  ],
  "/api/health": [{ method: "GET", expect: (s) => s === 200, why: "health for load balancers, no data" }],
  "/api/ping": [{ method: "GET", expect: (s) => s === 200, why: "liveness without the database" }],
  "/api/webhooks/app": [{ method: "POST", expect: (s) => s === 400, why: "signature required" }],
  "/api/webhooks/stripe": [{ method: "POST", expect: (s) => s === 400, why: "signature required" }],
  "/api/webhooks/zendesk": [{ method: "POST", expect: (s) => s === 400, why: "Zendesk's signature required" }],
  "/api/webhooks/intercom": [{ method: "POST", expect: (s) => s === 400, why: "Intercom's signature required" }],
  "/api/billing/recover/[token]": [
    {
      method: "GET",
      path: "/api/billing/recover/forged",
      expect: (s) => s === 400,
      why: "the customer's recovery link: only a signed token opens a billing-portal session",
    },
  ],
  "/api/inngest": [
    { method: "GET", expect: (s) => s >= 400, why: "Inngest: signing key required (inline driver here)" },
    { method: "PUT", expect: (s) => s >= 400, why: "Inngest: signing key required" },
    { method: "POST", expect: (s) => s >= 400, why: "Inngest: signing key required" },
  ],
};

/** Next's built-in error pages (not console pages). */
const FRAMEWORK_PAGES = new Set(["/_not-found", "/_global-error"]);

/** Pages a viewer is redirected away from. */
const OWNER_PAGES = new Set(["/users"]);

/** Pages Next prerenders whatever the app does: no per-request nonce on their scripts. */
const STATIC_PAGES = new Set(["/_global-error", "/icon.svg"]);

/** Server actions anyone may call (the sign-in form itself). */
const PUBLIC_ACTIONS = new Set(["signInAction", "signOutAction"]);

/**
 * Server actions on a signed-in user's own account (any role may run them on itself): checked without a
 * session only (a viewer is allowed; running them would change that viewer's own account and the audit log).
 */
const SELF_ACTIONS = new Set(["changePasswordAction", "signOutOthersAction"]);

let ipSeq = 0;
/** A fresh source address per request, so the failed-admin-auth limiter (30 per 5 min) does not turn 401s into 429s. */
const ip = () => `10.77.${(++ipSeq >> 8) & 255}.${ipSeq & 255}`;

/** What is wrong with a response's security headers (empty: nothing): the list every response carries,
 *  Strict-Transport-Security exactly when `https`, and for a page a CSP with a nonce and no framing. */
function headerProblems(r: Reply, o: { https: boolean; page?: boolean }): string[] {
  if (!r.headers) return [`no response (${r.error ?? r.status})`];
  const problems: string[] = [];
  for (const { key, value } of securityHeaders({ https: o.https })) {
    const got = r.headers.get(key);
    if (got !== value) problems.push(`${key}: ${got ?? "missing"}`);
  }
  if (!o.https && r.headers.has("strict-transport-security"))
    problems.push("Strict-Transport-Security over plain HTTP");
  if (o.page) {
    const csp = r.headers.get("content-security-policy");
    if (!csp) problems.push("no Content-Security-Policy");
    else if (!nonceOf(csp) || !csp.includes("frame-ancestors 'none'") || !csp.includes("'strict-dynamic'"))
      problems.push(`Content-Security-Policy without a nonce, strict-dynamic or frame-ancestors 'none': ${csp}`);
  }
  return problems;
}

/** The <script> tags of a page that do not carry the nonce of its Content-Security-Policy. */
function scriptsWithoutNonce(r: Reply): { scripts: number; bad: string[] } {
  const nonce = nonceOf(r.headers?.get("content-security-policy"));
  const tags = r.text.match(/<script\b[^>]*>/g) ?? [];
  return { scripts: tags.length, bad: tags.filter((t) => !nonce || !t.includes(` nonce="${nonce}"`)) };
}

function concrete(route: string, s: Sample): string {
  return route
    .replace("[appUserId]", encodeURIComponent(s.appUserId))
    .replace("[id]", s.eventId)
    .replace("[...nextauth]", "session")
    .replace(/\[\[?\.{0,3}[^\]]+\]\]?/g, "sample");
}

export async function access(ctx: Context): Promise<ScenarioResult> {
  const c = new Checks("Access");
  const base = ctx.server.url;
  const sample = await makeSample(ctx);
  const leaks = (text: string) =>
    [sample.email, sample.name, sample.reference, sample.correlationId, ...SECRET_NAMES.map((k) => SECRETS[k])].filter(
      (m) => text.includes(m),
    );
  const manifest = JSON.parse(
    fs.readFileSync(path.join(ctx.distDir, "app-path-routes-manifest.json"), "utf8"),
  ) as Record<string, string>;
  const entries = Object.entries(manifest).map(([file, route]) => ({
    kind: file.endsWith("/route") ? ("api" as const) : ("page" as const),
    route,
  }));
  const forged = await mintedSession("00000000-0000-4000-8000-000000000000", "not-the-auth-secret-not-the-auth-secret");
  let requests = 0;
  // Every answer below is checked for the security headers; HSTS is expected only if this server is on HTTPS.
  const https = servedOverHttps(inspectEnv(ctx.serverEnv).env);
  const badHeaders: string[] = [];
  const noteHeaders = (what: string, r: Reply, page = false) => {
    const problems = headerProblems(r, { https, page });
    if (problems.length) badHeaders.push(`${what} → ${r.status}: ${problems.join(", ")}`);
  };
  const req = async (method: string, url: string, headers: Record<string, string> = {}, body?: string) => {
    requests += 1;
    const r = await send(`${base}${url}`, { method, headers: { "x-forwarded-for": ip(), ...headers }, body });
    noteHeaders(`${method} ${url}`, r);
    return r;
  };
  const isSignInRedirect = (r: Reply) =>
    r.status >= 300 && r.status < 400 && new URL(r.headers?.get("location") ?? "/", base).pathname === "/sign-in";
  /** A page render that redirects after streaming started: 200 with the redirect in the payload, no data. */
  const isStreamedSignInRedirect = (r: Reply) =>
    r.status === 200 && /NEXT_REDIRECT[^"]*\/sign-in|http-equiv="refresh" content="\d+;url=\/sign-in/.test(r.text);

  // 1. Every route without a session, and with a forged session cookie.
  let pages = 0;
  let apis = 0;
  for (const { kind, route } of entries) {
    const url = concrete(route, sample);
    const pub = PUBLIC[route];
    if (pub) {
      for (const p of pub) {
        const r = await req(
          p.method,
          p.path ?? url,
          p.method === "POST" ? { "content-type": "application/json" } : {},
          p.method === "POST" ? "{}" : undefined,
        );
        c.check(
          p.expect(r.status) && leaks(r.text).length === 0,
          `public ${p.method} ${p.path ?? url} → ${r.status} (${p.why})${leaks(r.text).length ? ` LEAKS ${leaks(r.text).join(", ")}` : ""}`,
        );
      }
      continue;
    }
    if (kind === "page") {
      pages += 1;
      const anon = await req("GET", url);
      const withForged = await req("GET", url, { cookie: forged });
      noteHeaders(`page ${url} without a session`, anon, true);
      noteHeaders(`page ${url} with a forged cookie`, withForged, true);
      c.check(
        isSignInRedirect(anon) && leaks(anon.text).length === 0,
        `page ${url} without a session → ${anon.status} ${anon.headers?.get("location") ?? ""}`,
      );
      // Next's own error pages have no data to protect: with any cookie they answer their error status.
      const internal = FRAMEWORK_PAGES.has(route) && withForged.status >= 400;
      c.check(
        (internal || isSignInRedirect(withForged) || isStreamedSignInRedirect(withForged)) &&
          leaks(withForged.text).length === 0,
        `page ${url} with a forged session cookie → ${withForged.status}${internal ? " (framework error page)" : " to /sign-in"}, no data`,
      );
      continue;
    }
    apis += 1;
    const answers: string[] = [];
    let refusedAll = true;
    let any401 = false;
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
      for (const [label, headers] of [
        ["none", {}],
        ["forged cookie", { cookie: forged }],
        ["wrong token", { authorization: "Bearer not-the-admin-api-token-000000" }],
      ] as const) {
        const r = await req(
          method,
          url,
          { ...headers, ...(method === "GET" ? {} : { "content-type": "application/json" }) },
          method === "GET" ? undefined : JSON.stringify({ ids: [sample.eventId] }),
        );
        const refused =
          (r.status === 401 && typeof r.json?.error === "string" && Object.keys(r.json).length === 1) ||
          r.status === 405;
        if (r.status === 401) any401 = true;
        if (!refused || leaks(r.text).length) {
          refusedAll = false;
          answers.push(`${method} (${label}) → ${r.status} ${r.text.slice(0, 80)}`);
        }
      }
    }
    c.check(
      refusedAll && any401,
      `api ${url}: every method without a session, with a forged cookie or a wrong token → 401 JSON (or 405)${answers.length ? `; ${answers.join("; ")}` : ""}`,
    );
  }
  const absent = Object.keys(PUBLIC).filter((r) => !entries.some((e) => e.route === r));
  if (absent.length) c.note(`public routes listed in this suite but not in the build: ${absent.join(", ")}`);

  // 2. A viewer: reads work (the session is real), writes are refused with 403 and change nothing.
  const viewerEmail = `viewer-${ctx.runId}@reliability.test`;
  const viewerId = await ensureUser(ctx.pgUrl, viewerEmail, "viewer-password-1234", "viewer");
  let viewer: string;
  try {
    viewer = await signIn(base, viewerEmail, "viewer-password-1234", ip());
    c.check(true, "viewer signed in through /api/auth/callback/credentials");
  } catch (err) {
    c.check(false, `viewer sign-in through the credentials flow: ${(err as Error).message}`);
    viewer = await mintedSession(viewerId, SECRETS.AUTH_SECRET);
  }
  const ownerId =
    (await ctx.sql<{ id: string }[]>`select id from users where email = ${SECRETS.ADMIN_EMAIL}`)[0]?.id ??
    "00000000-0000-4000-8000-000000000001";
  const read = await req("GET", `/api/admin/customers/${encodeURIComponent(sample.appUserId)}`, { cookie: viewer });
  c.check(
    read.status === 200 && read.text.includes(sample.email),
    `viewer reads GET /api/admin/customers/:appUserId → ${read.status}`,
  );

  const before = await tableCounts(ctx.sql);
  const eventBefore = await eventState(ctx, sample.eventId);
  const writes: [string, string, unknown][] = [
    ["POST", `/api/admin/events/${sample.eventId}/replay`, {}],
    ["POST", `/api/admin/events/${sample.eventId}/replay`, { force: true }],
    ["POST", "/api/admin/events/replay", { ids: [sample.eventId] }],
    ["POST", "/api/admin/events/replay", { filter: {} }],
  ];
  for (const [method, url, body] of writes) {
    const r = await req(method, url, { cookie: viewer, "content-type": "application/json" }, JSON.stringify(body));
    c.check(
      r.status === 403 && typeof r.json?.error === "string" && leaks(r.text).length === 0,
      `viewer ${method} ${url} ${JSON.stringify(body)} → ${r.status} ${String(r.json?.error ?? r.text).slice(0, 70)}`,
    );
  }
  // Every other write method on every admin route: never 2xx for a viewer.
  const loose: string[] = [];
  for (const { route } of entries.filter((e) => e.kind === "api" && e.route.startsWith("/api/admin/"))) {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const r = await req(
        method,
        concrete(route, sample),
        { cookie: viewer, "content-type": "application/json" },
        JSON.stringify({ force: true }),
      );
      if (!(r.status === 403 || r.status === 405) || leaks(r.text).length)
        loose.push(`${method} ${route} → ${r.status}`);
    }
  }
  c.check(
    loose.length === 0,
    `viewer: every write method on every /api/admin route → 403 or 405${loose.length ? `: ${loose.join("; ")}` : ""}`,
  );

  // Server actions of the build, called as the browser calls them (Next-Action header, React's reply encoding).
  const actions = serverActions(ctx.distDir);
  const args: Record<string, () => unknown[]> = {
    replayEventAction: () => [sample.eventId, true],
    bulkReplayAction: () => [{ ids: [sample.eventId] }],
    countBulkReplayAction: () => [{}],
    resyncCustomerAction: () => [{ appUserId: sample.appUserId }],
    confirmIdentityAction: () => [{ appUserId: sample.appUserId, system: "hubspot" }],
    unlinkIdentityAction: () => [{ appUserId: sample.appUserId, system: "zendesk" }],
    linkIdentityAction: () => [{}, form({ appUserId: sample.appUserId, system: "stripe", externalId: "cus_attacker" })],
    addUserAction: () => [
      {},
      form({ email: `intruder-${ctx.runId}@evil.test`, password: "intruder-password-123", role: "owner" }),
    ],
    changeRoleAction: () => [{ userId: viewerId, role: "owner" }],
    removeUserAction: () => [{ userId: ownerId }],
    resetPasswordAction: () => [{ userId: ownerId }],
    signOutUserAction: () => [{ userId: ownerId }],
    changePasswordAction: () => [
      {},
      form({
        currentPassword: "not-the-password",
        newPassword: "intruder-password-123",
        confirmPassword: "intruder-password-123",
      }),
    ],
    signOutOthersAction: () => [],
    acknowledgeAlertAction: () => ["00000000-0000-4000-8000-000000000002"],
    resolveAlertAction: () => ["00000000-0000-4000-8000-000000000002"],
  };
  const actionFailures: string[] = [];
  let actionsTried = 0;
  for (const a of actions.filter((x) => !PUBLIC_ACTIONS.has(x.name))) {
    actionsTried += 1;
    const page = concrete(a.page, sample);
    if (!SELF_ACTIONS.has(a.name)) {
      const asViewer = await callAction(base, page, a.id, args[a.name]?.() ?? [], viewer, ip());
      const refused = /"ok":false/.test(asViewer.text) && /"status":403/.test(asViewer.text);
      if (!refused || leaks(asViewer.text).length)
        actionFailures.push(
          `${a.name} as viewer → ${asViewer.status} ${asViewer.text.replace(/\s+/g, " ").slice(-160)}`,
        );
    }
    const anon = await callAction(base, page, a.id, args[a.name]?.() ?? [], undefined, ip());
    const anonRefused = isSignInRedirect(anon) || (/"ok":false/.test(anon.text) && /"status":401/.test(anon.text));
    if (!anonRefused || leaks(anon.text).length) actionFailures.push(`${a.name} without a session → ${anon.status}`);
    if (!args[a.name])
      c.note(
        `server action ${a.name} is new to this suite: called without arguments (add realistic ones in reliability/access.ts)`,
      );
  }
  c.check(
    actionsTried > 0 && actionFailures.length === 0,
    `${actionsTried} server actions: viewer → {ok:false,status:403}, no session → redirect or 401${actionFailures.length ? `: ${actionFailures.join(" | ")}` : ""}`,
  );

  const after = await tableCounts(ctx.sql);
  c.equal(diffCounts(before, after), {}, "table changes from the refused writes (refusal audit entries aside)");
  const [refusals] = await ctx.sql<
    { n: number }[]
  >`select count(*)::int as n from audit_log where action = 'access.refused'`;
  c.check((refusals?.n ?? 0) > 0, `the viewer's refusals are in the audit log (access.refused: ${refusals?.n ?? 0})`);
  c.equal(
    await eventState(ctx, sample.eventId),
    eventBefore,
    "sample event (status, attempts) after the refused replays",
  );
  const [roles] = await ctx.sql<{ viewer: string; owner: number }[]>`
    select (select role::text from users where id = ${viewerId}) as viewer, (select count(*)::int from users where role = 'owner') as owner`;
  c.equal([roles!.viewer, roles!.owner], ["viewer", 1], "viewer still viewer, one owner");

  // An admin's session cookie does not make a cross-site write: another Origin (or Sec-Fetch-Site) → 403,
  // a body that is not JSON → 415; public health says nothing but its status; pages stop at 10,000.
  const adminEmail = `admin-${ctx.runId}@reliability.test`;
  await ensureUser(ctx.pgUrl, adminEmail, "admin-password-1234", "admin");
  const admin = await signIn(base, adminEmail, "admin-password-1234", ip());
  const replayUrl = `/api/admin/events/${sample.eventId}/replay`;
  const crossSite = await req(
    "POST",
    replayUrl,
    { cookie: admin, origin: "https://evil.example", "content-type": "application/json" },
    "{}",
  );
  const fetchSite = await req(
    "POST",
    replayUrl,
    { cookie: admin, "sec-fetch-site": "cross-site", "content-type": "application/json" },
    "{}",
  );
  const notJson = await req("POST", replayUrl, { cookie: admin, origin: base, "content-type": "text/plain" }, "{}");
  c.equal(
    [crossSite.status, fetchSite.status, notJson.status],
    [403, 403, 415],
    "admin cookie: a write from another Origin → 403, Sec-Fetch-Site cross-site → 403, a text/plain body → 415",
  );
  const health = await req("GET", "/api/health");
  c.equal(
    Object.keys(health.json ?? {}).sort(),
    ["startedAt", "status", "time", "version"],
    "public /api/health: status, time, version and start time only",
  );
  const deepPage = await req("GET", "/api/admin/events?page=1000000000", {
    authorization: `Bearer ${SECRETS.ADMIN_API_TOKEN}`,
  });
  c.equal(deepPage.status, 400, "GET /api/admin/events?page=1000000000 → 400 (pages stop at 10,000)");
  c.equal(
    await eventState(ctx, sample.eventId),
    eventBefore,
    "sample event unchanged by the refused cross-site writes",
  );

  // 3. Security headers. Every page of the build as the viewer sees it (and the public sign-in page): a CSP
  // whose nonce is on every <script> tag; a static file; both webhook routes, signed and not.
  // A nonce needs a render per request: a page prerendered at build time has scripts without it. The one
  // allowed is Next's last-resort 500 page (global-error.tsx, also copied to pages/500.html), which the
  // browser shows without running its scripts: readable, its plain link works, "Try again" does not.
  const prerendered = Object.keys(
    (
      JSON.parse(fs.readFileSync(path.join(ctx.distDir, "prerender-manifest.json"), "utf8")) as {
        routes: Record<string, unknown>;
      }
    ).routes,
  );
  c.equal(prerendered, [...STATIC_PAGES], "pages prerendered at build time (no nonce possible)");
  let rendered = 0;
  const others: string[] = [];
  let staticAsset: string | undefined;
  const nonceFailures: string[] = [];
  const pageUrls = [
    ...new Set([...entries.filter((e) => e.kind === "page").map((e) => concrete(e.route, sample)), "/sign-in"]),
  ].filter((url) => !STATIC_PAGES.has(url));
  for (const url of pageUrls) {
    const r = await req("GET", url, url === "/sign-in" ? {} : { cookie: viewer });
    noteHeaders(`page ${url} as the viewer`, r, true);
    const { scripts, bad } = scriptsWithoutNonce(r);
    if (r.status === 200 || r.status === 404) rendered += 1;
    else if (!(OWNER_PAGES.has(url) && r.status >= 300 && r.status < 400)) others.push(`${url} → ${r.status}`);
    if ((r.status === 200 || r.status === 404) && !scripts) nonceFailures.push(`${url} → ${r.status} has no <script>`);
    if (bad.length)
      nonceFailures.push(`${url} → ${r.status}: ${bad.length}/${scripts} scripts without the nonce, e.g. ${bad[0]}`);
    staticAsset ??= /<script[^>]* src="(\/_next\/static\/[^"]+\.js)"/.exec(r.text)?.[1];
  }
  c.check(
    others.length === 0 && nonceFailures.length === 0,
    `${rendered} of ${pageUrls.length} pages rendered for the viewer (${[...OWNER_PAGES].join(", ")} redirects: owner only)${others.length ? `; unexpected: ${others.join(", ")}` : ""}: every <script> carries the nonce of the page's CSP${nonceFailures.length ? `: ${nonceFailures.join("; ")}` : ""}`,
  );
  c.check(
    staticAsset !== undefined && (await req("GET", staticAsset ?? "/_next/static/none.js")).status === 200,
    `static file ${staticAsset ?? "(none found in the pages)"} → 200`,
  );
  const hp = `access-${ctx.runId}-headers-`;
  const signedApp = await deliver(base, appEvent(`${hp}app`, "reliability.headers", {}), {
    secret: SECRETS.APP_WEBHOOK_SECRET,
  });
  const signedStripe = await deliver(base, stripeEvent(`evt_${hp}stripe`, "reliability.headers", {}), {
    secret: SECRETS.STRIPE_WEBHOOK_SECRET,
  });
  noteHeaders("signed POST /api/webhooks/app", signedApp);
  noteHeaders("signed POST /api/webhooks/stripe", signedStripe);
  for (const route of ["app", "stripe"]) {
    await req("POST", `/api/webhooks/${route}`, { "content-type": "application/json" }, "{}");
    await req("GET", `/api/webhooks/${route}`);
  }
  c.check(
    signedApp.status === 200 && signedStripe.status === 200,
    `signed webhooks for the header checks → ${signedApp.status}, ${signedStripe.status}`,
  );
  c.check(
    badHeaders.length === 0,
    `${requests + 2} responses (pages, API, static, both webhook routes) carry ${securityHeaders({ https })
      .map((h) => h.key)
      .join(
        ", ",
      )}${https ? "" : ", no Strict-Transport-Security (plain HTTP)"}; every page a nonce CSP${badHeaders.length ? `: ${badHeaders.slice(0, 8).join(" | ")}${badHeaders.length > 8 ? ` (+${badHeaders.length - 8} more)` : ""}` : ""}`,
  );
  await httpsServerHeaders(ctx, c, staticAsset);

  return c.result(
    `${entries.length} routes (${pages} pages, ${apis} API guarded, ${entries.length - pages - apis} public); ${requests} requests; ${writes.length} admin writes + ${actionsTried} server actions refused for a viewer; ${rendered} pages with a nonce CSP; ${c.failures.length} failing checks`,
  );
}

/** The same build on a server whose APP_URL is https: Strict-Transport-Security on every response, decided
 *  at start-up (a build cannot know), pages and webhook fast path alike. */
async function httpsServerHeaders(ctx: Context, c: Checks, staticAsset: string | undefined) {
  const server = new AppServer(
    await freePort(),
    { ...ctx.serverEnv, APP_URL: "https://ops.reliability.test" },
    path.join(ctx.logDir, "https-server.log"),
  );
  try {
    await server.start();
    const replies: [string, Reply, boolean][] = [
      ["GET /sign-in", await send(`${server.url}/sign-in`, { method: "GET" }), true],
      ["GET /", await send(`${server.url}/`, { method: "GET" }), true],
      ["GET /api/ping", await send(`${server.url}/api/ping`, { method: "GET" }), false],
      [`GET ${staticAsset}`, await send(`${server.url}${staticAsset ?? "/"}`, { method: "GET" }), false],
      [
        "signed POST /api/webhooks/app",
        await deliver(server.url, appEvent(`access-${ctx.runId}-https-app`, "reliability.headers", {}), {
          secret: SECRETS.APP_WEBHOOK_SECRET,
        }),
        false,
      ],
      [
        "POST /api/webhooks/stripe",
        await send(`${server.url}/api/webhooks/stripe`, {
          body: "{}",
          headers: { "content-type": "application/json" },
        }),
        false,
      ],
    ];
    const bad = replies.flatMap(([what, r, page]) => {
      const problems = headerProblems(r, { https: true, page });
      return problems.length ? [`${what} → ${r.status}: ${problems.join(", ")}`] : [];
    });
    c.check(
      bad.length === 0,
      `server with APP_URL=https://…: ${replies.length} responses (pages, API, static, both webhook routes) carry Strict-Transport-Security and the rest${bad.length ? `: ${bad.join(" | ")}` : ""}`,
    );
  } catch (err) {
    c.check(false, `server with APP_URL=https://… for the HSTS checks: ${(err as Error).message}`);
  } finally {
    await server.stop();
  }
}

async function eventState(ctx: Context, id: string) {
  const [row] = await ctx.sql<
    { status: string; attempts: number }[]
  >`select status::text as status, attempts from events where id = ${id}`;
  return row;
}

/** A customer with a ticket, made through the webhooks: the data no refusal may show. */
async function makeSample(ctx: Context): Promise<Sample> {
  const p = `access-${ctx.runId}-`;
  const appUserId = `${p}user`;
  const email = `${p}user@private.test`;
  const name = `Grace Private${ctx.runId}`;
  const opts = { secret: SECRETS.APP_WEBHOOK_SECRET };
  const s = await deliver(ctx.server.url, signup(`${p}signup`, appUserId, email, name), opts);
  const t = await deliver(ctx.server.url, supportRequest(`${p}support`, `${p}req`, appUserId, email), opts);
  if (s.status !== 200 || t.status !== 200) throw new Error(`sample webhooks answered ${s.status}/${t.status}`);
  await settle(ctx.sql, p, 60_000);
  const [row] = await ctx.sql<
    { correlation_id: string }[]
  >`select correlation_id from events where id = ${String(s.json!.id)}`;
  return {
    appUserId,
    email,
    name,
    eventId: String(s.json!.id),
    reference: String(t.json!.reference),
    correlationId: row!.correlation_id,
  };
}
