// Bundle: no configured secret value and no server-only module in what the browser downloads
// (<distDir>/static/**), nor in any page the signed-in owner is sent (HTML + RSC payload). Each module
// marker is first shown to exist in that module (node_modules or the server build), so a clean scan means
// the module is absent, not that the marker was wrong.
import fs from "node:fs";
import path from "node:path";
import { DEMO_DEFAULTS } from "../lib/env";
import type { Context } from "./lib/context";
import { Checks, type ScenarioResult } from "./lib/report";
import { signIn } from "./lib/session";
import { settle } from "./lib/db";
import { deliver, send, signup } from "./lib/webhooks";
import { SECRET_NAMES, SECRETS } from "./lib/config";

type Marker = { module: string; text: string; provenIn: string };

function markers(distDir: string): Marker[] {
  const server = path.join(distDir, "server");
  return [
    { module: "postgres (postgres-js)", text: "SASL_SIGNATURE_MISMATCH", provenIn: "node_modules/postgres/src" },
    { module: "@electric-sql/pglite", text: "PGlite is closed", provenIn: "node_modules/@electric-sql/pglite/dist" },
    { module: "drizzle-orm/pg-core", text: '"PgDialect"', provenIn: server },
    { module: "stripe", text: "StripeSignatureVerificationError", provenIn: "node_modules/stripe/esm" },
    { module: "@hubspot/api-client", text: "api.hubapi.com", provenIn: "node_modules/@hubspot/api-client/lib/src" },
    { module: "node-zendesk", text: "help-center-api/permission_groups", provenIn: "node_modules/node-zendesk/dist" },
    { module: "bcryptjs (lib/passwords)", text: "Illegal number of rounds", provenIn: server },
    { module: "lib/env (validation)", text: "must start with whsec_", provenIn: server },
    { module: "lib/env (DEMO_DEFAULTS)", text: DEMO_DEFAULTS.AUTH_SECRET, provenIn: server },
    { module: "node:crypto HMAC (lib/app-events/signature, lib/access)", text: "timingSafeEqual", provenIn: server },
    { module: "lib/integrations (HubSpot client)", text: "Upsert answered without a contact id.", provenIn: server },
  ];
}

function* files(dir: string): Generator<string> {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (!/\.(map|wasm|tar\.gz|data)$/.test(entry.name)) yield full;
  }
}

function containsIn(dir: string, text: string): boolean {
  for (const file of files(dir)) if (fs.readFileSync(file, "latin1").includes(text)) return true;
  return false;
}

export async function bundle(ctx: Context): Promise<ScenarioResult> {
  const c = new Checks("Bundle");
  const staticDir = path.join(ctx.distDir, "static");
  const contents = [...files(staticDir)].map((file) => ({
    file: path.relative(ctx.distDir, file),
    text: fs.readFileSync(file, "latin1"),
  }));
  const bytes = contents.reduce((n, f) => n + f.text.length, 0);
  c.check(
    contents.filter((f) => f.file.endsWith(".js")).length > 0,
    `${contents.length} files (${Math.round(bytes / 1024)} KiB) under ${path.join(ctx.distDir, "static")}`,
  );
  const where = (text: string) => contents.filter((f) => f.text.includes(text)).map((f) => f.file);

  let foundInBundle = 0;
  for (const name of SECRET_NAMES) {
    const found = where(SECRETS[name]);
    if (found.length) foundInBundle += 1;
    c.check(
      found.length === 0,
      `${name} value not in the client bundle${found.length ? `: found in ${found.join(", ")}` : ""}`,
    );
  }
  const demoSecrets = (
    [
      "AUTH_SECRET",
      "ADMIN_PASSWORD",
      "ADMIN_API_TOKEN",
      "STRIPE_WEBHOOK_SECRET",
      "APP_WEBHOOK_SECRET",
      "ZENDESK_API_TOKEN",
    ] as const
  ).filter((k) => where(DEMO_DEFAULTS[k]).length);
  c.check(
    demoSecrets.length === 0,
    `no demo default secret in the client bundle${demoSecrets.length ? `: ${demoSecrets.join(", ")}` : ""}`,
  );

  let proven = 0;
  for (const m of markers(ctx.distDir)) {
    const real = containsIn(m.provenIn, m.text);
    if (real) proven += 1;
    else c.note(`marker "${m.text}" for ${m.module} not found in ${m.provenIn}: not counted (update the marker)`);
    const found = where(m.text);
    if (found.length) foundInBundle += 1;
    c.check(
      found.length === 0,
      `${m.module} not in the client bundle${found.length ? `: "${m.text}" in ${found.join(", ")}` : ""}`,
    );
  }
  c.check(proven >= 8, `${proven} module markers proven in their modules`);

  // What a signed-in owner is sent: every page's HTML and RSC payload.
  const manifest = JSON.parse(
    fs.readFileSync(path.join(ctx.distDir, "app-path-routes-manifest.json"), "utf8"),
  ) as Record<string, string>;
  // Console pages: not the sign-in page (it sends a signed-in user on) nor Next's own error pages.
  const pages = Object.entries(manifest)
    .filter(([file, route]) => file.endsWith("/page") && route !== "/sign-in" && !route.startsWith("/_"))
    .map(([, route]) => route);
  const p = `bundle-${ctx.runId}-`;
  const made = await deliver(ctx.server.url, signup(`${p}signup`, `${p}user`, `${p}user@bundle.test`), {
    secret: SECRETS.APP_WEBHOOK_SECRET,
  });
  await settle(ctx.sql, p, 60_000);
  const sample = { id: String(made.json?.id), app_user_id: `${p}user` };
  const owner = await signIn(ctx.server.url, SECRETS.ADMIN_EMAIL, SECRETS.ADMIN_PASSWORD, "10.78.0.1");
  let rendered = 0;
  const leaked: string[] = [];
  const notRendered: string[] = [];
  for (const route of pages) {
    const url = route.replace("[appUserId]", encodeURIComponent(sample.app_user_id)).replace("[id]", sample.id);
    for (const rsc of [false, true]) {
      // An RSC request is redirected to its cache-busting `_rsc` URL first: follow it.
      const r = await send(`${ctx.server.url}${url}`, {
        method: "GET",
        redirect: rsc ? "follow" : "manual",
        headers: { cookie: owner, ...(rsc ? { rsc: "1" } : {}) },
      });
      if (r.status === 200) rendered += 1;
      else notRendered.push(`${url}${rsc ? " (RSC)" : ""} → ${r.status}`);
      for (const name of SECRET_NAMES)
        if (r.text.includes(SECRETS[name])) leaked.push(`${name} in ${url}${rsc ? " (RSC)" : ""}`);
    }
  }
  c.check(
    rendered === 2 * pages.length,
    `${rendered} page renders as the owner (HTML and RSC) scanned${notRendered.length ? `; not 200: ${notRendered.join(", ")}` : ""}`,
  );
  c.check(leaked.length === 0, `no secret in any rendered page${leaked.length ? `: ${leaked.join(", ")}` : ""}`);

  return c.result(
    `${contents.length} static files (${Math.round(bytes / 1024)} KiB): ${SECRET_NAMES.length} secrets + ${markers(ctx.distDir).length} server-only markers, ${foundInBundle} found; ${rendered} owner page renders, ${leaked.length} with a secret`,
  );
}
