// The scheduled launch checks on real PGlite, with the real checks where they matter (a production variable
// missing, a certificate with 10 days left on a local HTTPS server, services and name servers that do not
// answer) and counting checks for the schedule: one alert per failing check with its what-to-do text, resolved
// when it passes; network checks at most hourly, kept across restarts; a check that cannot run never flaps.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { like } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { alerts, opsState } from "@/db/schema";
import { PRODUCTION_ENV } from "@/test/production-env";
import { clearReadinessCache, readinessForPage } from "@/lib/readiness/cache";
import { READINESS_CHECKS, runReadinessChecks } from "@/lib/readiness/run";
import {
  closedPort,
  makeCertificates,
  startDnsServer,
  startHttpsServer,
  type Certificates,
  type DnsServer,
  type LocalServer,
} from "@/lib/readiness/test-servers";
import { fail, pass, type CheckDefinition, type Outcome } from "@/lib/readiness/types";
import {
  CERTIFICATE_EXPIRY_RULE,
  INCONCLUSIVE_RUNS_TO_ALERT,
  networkSettingsHash,
  readinessSchedule,
  runReadinessWatch,
  verdictOf,
} from "./readiness-watch";

const HOST = "ops.example.test";
const HOUR = 3_600_000;
let handle: DbHandle;
let certs: Certificates;
let expiring: LocalServer;
let dns: DnsServer;

beforeAll(async () => {
  handle = await createTestDb();
  certs = makeCertificates();
  expiring = await startHttpsServer(certs.signed([HOST], 10), (_req, _body, res) => void res.writeHead(200).end());
  dns = await startDnsServer({
    [HOST]: { SERVFAIL: true },
    "mail.example.test": { SERVFAIL: true },
    "_dmarc.mail.example.test": { SERVFAIL: true },
  });
}, 180_000); // a fresh database and certificates: slow on a loaded machine
afterAll(async () => {
  await expiring?.close();
  await dns?.close();
  certs?.cleanup();
  await handle?.close();
});
beforeEach(async () => {
  await handle.db.delete(alerts);
  await handle.db.delete(opsState);
  clearReadinessCache();
});

const readinessAlerts = () => handle.db.select().from(alerts).where(like(alerts.rule, "readiness:%"));
const T0 = new Date("2026-11-28T09:00:00Z");
const later = (ms: number) => new Date(T0.getTime() + ms);

/** A check whose outcome the test sets, counting its runs. */
function controlled(id: string, group: CheckDefinition["group"]) {
  const c = { outcome: pass("fine") as Outcome, runs: 0 };
  const def: CheckDefinition = {
    id,
    group,
    title: `Controlled ${id}`,
    run: () => {
      c.runs++;
      return c.outcome;
    },
  };
  return Object.assign(c, { def });
}

describe("the scheduled launch checks", () => {
  it("open one alert for a production variable missing after a deploy, with the check's what-to-do, and resolve it once set", async () => {
    const checks = READINESS_CHECKS.filter((d) => d.id === "config.required");
    const missing = { ...PRODUCTION_ENV, STRIPE_WEBHOOK_SECRET: undefined };
    const first = await runReadinessWatch(handle.db, { now: T0, readiness: { env: missing, checks } });
    expect(first.opened).toEqual(["readiness:config.required"]);
    await runReadinessWatch(handle.db, { now: later(60_000), readiness: { env: missing, checks } });
    const [alert, ...more] = await readinessAlerts();
    expect(more).toHaveLength(0);
    expect(alert).toMatchObject({
      status: "open",
      severity: "critical",
      title: "Launch check failing: Required variables",
    });
    expect(alert!.message).toContain("STRIPE_WEBHOOK_SECRET");
    expect(alert!.message).toMatch(/What to do: .+/);
    expect(alert!.details).toMatchObject({ href: "/readiness#config.required" });

    const fixed = await runReadinessWatch(handle.db, {
      now: later(120_000),
      readiness: { env: PRODUCTION_ENV, checks },
    });
    expect(fixed.resolved).toEqual(["readiness:config.required"]);
    expect((await readinessAlerts()).map((a) => a.status)).toEqual(["resolved"]);
  });

  it("page nobody about the demo on your machine, but alert on a demo mode reachable at a public address", async () => {
    const checks = READINESS_CHECKS.filter((d) => d.id === "config.demo-mode");
    const demo = { NODE_ENV: "production", DEMO_MODE: "1" };
    for (const APP_URL of [undefined, "http://127.0.0.1:3000", "http://localhost:3000"])
      expect(
        (await runReadinessWatch(handle.db, { now: T0, readiness: { env: { ...demo, APP_URL }, checks } })).opened,
      ).toEqual([]);
    const deployed = await runReadinessWatch(handle.db, {
      now: later(60_000),
      readiness: { env: { ...demo, APP_URL: "https://ops.example.com" }, checks },
    });
    expect(deployed.opened).toEqual(["readiness:config.demo-mode"]);
  });

  it("run the network checks once an hour, local ones every tick, and keep the hour across restarts", async () => {
    const local = controlled("config.counted", "configuration");
    const remote = controlled("integrations.counted", "integrations");
    const readiness = { env: { NODE_ENV: "test" }, checks: [local.def, remote.def] };
    expect((await runReadinessWatch(handle.db, { now: T0, readiness })).network).toBe("ran");
    expect((await runReadinessWatch(handle.db, { now: later(30 * 60_000), readiness })).network).toBeNull();
    clearReadinessCache(); // a restart: nothing in memory, the hour comes from ops_state
    expect((await runReadinessWatch(handle.db, { now: later(HOUR - 1), readiness })).network).toBeNull();
    expect(remote.runs).toBe(1);
    expect(local.runs).toBe(3);
    expect((await runReadinessWatch(handle.db, { now: later(HOUR), readiness })).network).toBe("ran");
    expect(remote.runs).toBe(2);
    const schedule = await readinessSchedule(handle.db);
    expect(schedule.run?.checkedAt).toEqual(later(HOUR));
    expect(schedule.nextAt).toEqual(later(2 * HOUR));
    expect(schedule.run?.checks.map((c) => c.id)).toEqual(["integrations.counted"]);

    // A deploy that changes what the network checks judge (another key) runs them at once, not within the hour;
    // until then the page shows no run made for other settings.
    const rotated = { ...readiness, env: { NODE_ENV: "test", STRIPE_SECRET_KEY: "sk_test_rotated" } };
    expect((await readinessSchedule(handle.db, HOUR, networkSettingsHash(rotated.env))).run).toBeNull();
    expect((await runReadinessWatch(handle.db, { now: later(HOUR + 60_000), readiness: rotated })).network).toBe("ran");
    expect(remote.runs).toBe(3);
    expect((await runReadinessWatch(handle.db, { now: later(HOUR + 120_000), readiness: rotated })).network).toBeNull();
  });

  it("take over an admin's Run again instead of calling the services a second time", async () => {
    const remote = controlled("integrations.counted", "integrations");
    const readiness = { env: { NODE_ENV: "test" }, checks: [remote.def] };
    await runReadinessWatch(handle.db, { now: T0, readiness });
    remote.outcome = fail("Refused (401).", "Paste a new key.");
    await readinessForPage({ ...readiness, force: true, now: () => later(10 * 60_000) });
    expect(remote.runs).toBe(2);
    const adopted = await runReadinessWatch(handle.db, { now: later(11 * 60_000), readiness });
    expect(adopted).toMatchObject({ network: "adopted", opened: ["readiness:integrations.counted"] });
    expect(remote.runs).toBe(2);
    // The page shows the scheduled run without running anything.
    const page = await readinessForPage({
      ...readiness,
      scheduled: (await readinessSchedule(handle.db)).run,
      now: () => later(12 * 60_000),
    });
    expect(page).toMatchObject({ networkFresh: false });
    expect(remote.runs).toBe(2);
  });

  it("never flap on a check that cannot run: it neither resolves nor opens, until it fails to run three times", async () => {
    const remote = controlled("integrations.counted", "integrations");
    const readiness = { env: { NODE_ENV: "test" }, checks: [remote.def] };
    const tick = (hours: number) => runReadinessWatch(handle.db, { now: later(hours * HOUR), readiness });
    remote.outcome = fail("The Stripe key was refused (401).", "Copy a secret key into STRIPE_SECRET_KEY.");
    expect((await tick(0)).opened).toEqual(["readiness:integrations.counted"]);
    remote.outcome = fail("Did not finish within 5 s.", "Check that the service is reachable.");
    expect(await tick(1)).toMatchObject({ opened: [], resolved: [] });
    expect((await readinessAlerts()).map((a) => a.status)).toEqual(["open"]);
    remote.outcome = pass("Authenticated.");
    expect((await tick(2)).resolved).toEqual(["readiness:integrations.counted"]);

    remote.outcome = fail(
      "Could not reach Stripe at https://api.stripe.com: timed out (ETIMEDOUT).",
      "Check the network.",
    );
    for (let h = 3; h < 3 + INCONCLUSIVE_RUNS_TO_ALERT - 1; h++) expect((await tick(h)).opened).toEqual([]);
    const third = await tick(3 + INCONCLUSIVE_RUNS_TO_ALERT - 1);
    expect(third.opened).toEqual(["readiness:integrations.counted"]);
    const open = (await readinessAlerts()).find((a) => a.status === "open");
    expect(open?.title).toBe("Launch check could not run 3 times in a row: Controlled integrations.counted");
  });

  it("alert on a certificate with 10 days left, its own alert, resolved when renewed", async () => {
    const tls = READINESS_CHECKS.filter((d) => d.id === "public-url.tls");
    const readiness = {
      env: { NODE_ENV: "test", APP_URL: `https://${HOST}` },
      checks: tls,
      network: { address: "127.0.0.1", httpsPort: expiring.port, ca: certs.ca.cert },
    };
    // An hour before "now": the certificate made with 10 days is 10 days and an hour from expiry.
    const now = new Date(Date.now() - HOUR);
    const result = await runReadinessWatch(handle.db, { now, readiness });
    expect(result.opened).toEqual([CERTIFICATE_EXPIRY_RULE]);
    const [alert] = await readinessAlerts();
    expect(alert!.title).toMatch(/^The certificate for ops\.example\.test expires in 10 days \(\d{4}-\d\d-\d\d\)$/);
    expect(alert!.message).toMatch(/What to do: Renew the certificate/);
    expect(alert).toMatchObject({ severity: "warning", rule: CERTIFICATE_EXPIRY_RULE });

    // The certificate renewed (a server with 90 days), an hour later: the alert resolves.
    const renewed = await startHttpsServer(
      certs.signed([HOST], 90),
      (_req, _body, res) => void res.writeHead(200).end(),
    );
    try {
      const next = await runReadinessWatch(handle.db, {
        now: new Date(now.getTime() + HOUR),
        readiness: { ...readiness, network: { ...readiness.network, httpsPort: renewed.port } },
      });
      expect(next).toMatchObject({ network: "ran", resolved: [CERTIFICATE_EXPIRY_RULE], opened: [] });
    } finally {
      await renewed.close();
    }
  });
});

describe("what counts as 'could not run' (the real checks against dead servers)", () => {
  it("an unreachable service, a name server failing, no TLS answer, a timeout", async () => {
    const port = await closedPort();
    const checks = await runReadinessChecks({
      env: {
        NODE_ENV: "test",
        APP_URL: `https://${HOST}`,
        EMAIL_DOMAIN: "mail.example.test",
        STRIPE_API_BASE: `http://127.0.0.1:${port}`,
      },
      groups: ["integrations", "public-url", "email"],
      resolver: dns.resolver,
      network: { address: "127.0.0.1", httpsPort: port, httpPort: port },
      timeoutMs: 3_000,
    });
    const byId = new Map(checks.map((c) => [c.id, c]));
    for (const id of [
      "integrations.stripe",
      "public-url.dns",
      "public-url.tls",
      "public-url.webhook-route",
      "email.spf",
      "email.dmarc",
    ])
      expect([id, verdictOf(byId.get(id)!)]).toEqual([id, "cannot-run"]);
    // And a conclusive failure stays one.
    expect(
      verdictOf({ status: "fail", detail: 'The Stripe key was refused (401). Stripe said: "Invalid API Key"' }),
    ).toBe("failing");
    expect(verdictOf({ status: "fail", detail: "ops.example.test does not exist in DNS (NXDOMAIN)." })).toBe("failing");
  });
});
