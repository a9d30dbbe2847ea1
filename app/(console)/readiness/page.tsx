// Launch readiness: how this instance is configured, as pass/warn checks. Never shows a secret value.
import type { Metadata } from "next";
import { requirePageActor } from "@/lib/access";
import { DEMO_DEFAULTS, env } from "@/lib/env";
import { getDb, migrationStatus } from "@/db";
import { PageHeader } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";

export const metadata: Metadata = { title: "Readiness" };

type Check = { name: string; ok: boolean; value: string; detail?: string };

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
const isLoopback = (origin: string) => {
  try {
    return LOOPBACK.has(new URL(origin).hostname);
  } catch {
    return false;
  }
};

function serviceCheck(name: string, base: string | undefined, realHost: string, tokenVar: string, baseVar: string): Check {
  if (!base) return { name, ok: true, value: realHost };
  if (isLoopback(base)) {
    return { name, ok: false, value: `Local sandbox (${new URL(base).origin})`, detail: `Set ${tokenVar} to your real credentials and leave ${baseVar} unset before launch.` };
  }
  // origin: never echo credentials someone put in the URL.
  return { name, ok: true, value: `Custom endpoint ${new URL(base).origin}` };
}

async function collectChecks(): Promise<Check[]> {
  const migrations = await migrationStatus(await getDb()).catch(() => null);
  const demoValues = (Object.keys(DEMO_DEFAULTS) as (keyof typeof DEMO_DEFAULTS)[]).filter((k) => env[k] === DEMO_DEFAULTS[k]);
  const stripeMode = /^(sk|rk)_live_/.test(env.STRIPE_SECRET_KEY) ? "live" : "test";
  return [
    env.DATABASE_URL
      ? { name: "Database", ok: true, value: "PostgreSQL" }
      : { name: "Database", ok: false, value: "Embedded PGlite (demo)", detail: `Data lives in ${env.DATA_DIR}/pglite on this machine. Set DATABASE_URL to a PostgreSQL database for production.` },
    migrations
      ? { name: "Migrations", ok: migrations.current, value: `${migrations.applied} of ${migrations.expected} applied`, detail: migrations.current ? undefined : "Run npm run db:migrate." }
      : { name: "Migrations", ok: false, value: "Could not read the migration table" },
    env.JOBS_DRIVER === "inngest"
      ? { name: "Jobs driver", ok: true, value: "Inngest" }
      : { name: "Jobs driver", ok: false, value: "Inline", detail: "Steps run in this process after each response, and a sweeper re-drives unfinished events. Fine for one server; set INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY for durable, distributed retries." },
    serviceCheck("Stripe API", env.STRIPE_API_BASE, "api.stripe.com", "STRIPE_SECRET_KEY", "STRIPE_API_BASE"),
    stripeMode === "live"
      ? { name: "Stripe key", ok: true, value: "Live mode" }
      : { name: "Stripe key", ok: false, value: "Test mode", detail: "Payments are simulated. Use a live key (sk_live_…) for launch." },
    serviceCheck("HubSpot API", env.HUBSPOT_BASE_URL, "api.hubapi.com", "HUBSPOT_ACCESS_TOKEN", "HUBSPOT_BASE_URL"),
    serviceCheck("Zendesk API", env.ZENDESK_BASE_URL, `${env.ZENDESK_SUBDOMAIN}.zendesk.com`, "ZENDESK_API_TOKEN", "ZENDESK_BASE_URL"),
    env.isProduction
      ? { name: "Demo mode", ok: true, value: "Off" }
      : { name: "Demo mode", ok: false, value: env.DEMO_MODE ? "On (DEMO_MODE=1)" : `On (NODE_ENV=${env.NODE_ENV})`, detail: "Unset settings fall back to demo values and the local sandboxes." },
    demoValues.length === 0
      ? { name: "Credentials", ok: true, value: "All set by you" }
      : { name: "Credentials", ok: false, value: `${demoValues.length} demo value${demoValues.length === 1 ? "" : "s"} in use`, detail: `Set your own: ${demoValues.join(", ")}.` },
    env.ALERT_WEBHOOK_URL
      ? { name: "Alert notifications", ok: true, value: "Slack-compatible webhook set" }
      : { name: "Alert notifications", ok: false, value: "Console only", detail: "Set ALERT_WEBHOOK_URL to get billing and ops alerts in Slack." },
    env.APP_URL
      ? { name: "Public URL", ok: true, value: env.APP_URL }
      : { name: "Public URL", ok: false, value: "Not set", detail: "Set APP_URL (e.g. https://ops.example.com) so alerts link back to the console." },
  ];
}

export default async function ReadinessPage() {
  await requirePageActor("viewer", "/readiness");
  const checks = await collectChecks();
  const warnings = checks.filter((c) => !c.ok).length;
  return (
    <>
      <PageHeader
        title="Readiness"
        description={
          warnings === 0
            ? "Everything is configured for launch."
            : `${warnings} of ${checks.length} checks need attention before launch. The same checks run in the terminal with npm run doctor.`
        }
      />
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {checks.map((c) => (
          <li key={c.name} className="grid grid-cols-[7rem_12rem_1fr] items-start gap-4 px-5 py-4 text-sm">
            <span>
              <Badge variant={c.ok ? "success" : "warning"}>{c.ok ? "Pass" : "Warning"}</Badge>
            </span>
            <span className="font-medium">{c.name}</span>
            <span>
              <span className="text-slate-900">{c.value}</span>
              {c.detail ? <span className="mt-1 block text-slate-600">{c.detail}</span> : null}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
