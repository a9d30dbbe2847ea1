// Rate limits: on a server of its own (WEBHOOK_RATE_LIMIT_PER_MINUTE low, one trusted proxy), a flood of
// webhooks from one source (the proxy's entry 203.0.113.9, behind a first hop the flooder forges anew on
// every request) gets 429 + Retry-After past the limit and is not stored, while another source is served
// throughout; the same for /api/health (600/min) and failed admin-API authentications (30 per 5 min, then
// even the right token waits). A second instance on the same PostgreSQL shares those counts. A server
// trusting no proxy ignores X-Forwarded-For altogether.
import path from "node:path";
import type { Context } from "./lib/context";
import { settle, statusCounts } from "./lib/db";
import { Checks, pool, type ScenarioResult } from "./lib/report";
import { AppServer, freePort } from "./lib/server";
import { appEvent, deliver, send, stripeEvent, type Reply } from "./lib/webhooks";
import { RATE_LIMIT_PER_MINUTE, SECRETS } from "./lib/config";

const FLOODER = "203.0.113.9";
const OTHER = "198.51.100.7";

export async function rateLimits(ctx: Context): Promise<ScenarioResult> {
  const c = new Checks("Rate limits");
  const server = new AppServer(
    await freePort(),
    { ...ctx.serverEnv, WEBHOOK_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE) },
    path.join(ctx.logDir, "rate-limit-server.log"),
  );
  // A second instance on the same database (as behind a load balancer), started alongside: the limits are shared.
  const twin = new AppServer(
    await freePort(),
    { ...ctx.serverEnv, WEBHOOK_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE) },
    path.join(ctx.logDir, "rate-limit-twin-server.log"),
  );
  await Promise.all([server.start(), twin.start()]);
  let twinSummary = "";
  try {
    const p = `flood-${ctx.runId}-`;
    const flood = Array.from({ length: ctx.sizes.rateLimitFlood }, (_, i) =>
      appEvent(`${p}${i}`, "reliability.flood", { i }),
    );
    const others = Array.from({ length: 10 }, (_, i) => appEvent(`${p}other-${i}`, "reliability.flood", { i }));
    let forged = 0;
    // What the trusted proxy forwards: whatever the client put first (forged anew each time), then the client.
    const viaProxy = (from: string) =>
      from === FLOODER ? `10.66.${(forged >> 8) & 255}.${forged++ & 255}, ${from}` : from;
    const opts = (from: string) => ({ secret: SECRETS.APP_WEBHOOK_SECRET, forwardedFor: viaProxy(from) });
    // The other source's requests are spread through the flood.
    const every = Math.max(1, Math.floor(flood.length / others.length));
    const mixed = flood.flatMap((d, i) =>
      i % every === 0 && others[i / every]
        ? [
            { d, from: FLOODER },
            { d: others[i / every]!, from: OTHER },
          ]
        : [{ d, from: FLOODER }],
    );
    const replies = await pool(mixed, 4, ({ d, from }) => deliver(server.url, d, opts(from)));
    const fromFlooder = replies.filter((_, i) => mixed[i]!.from === FLOODER) as Reply[];
    const fromOther = replies.filter((_, i) => mixed[i]!.from === OTHER) as Reply[];
    const ok = fromFlooder.filter((r) => r.status === 200).length;
    const limited = fromFlooder.filter((r) => r.status === 429);
    c.equal(
      ok,
      RATE_LIMIT_PER_MINUTE,
      `flood from ${FLOODER} (a forged first hop on each): answered 200 (the limit per minute)`,
    );
    c.equal(limited.length, flood.length - RATE_LIMIT_PER_MINUTE, `flood from ${FLOODER}: answered 429`);
    c.check(
      limited.every((r) => Number(r.headers?.get("retry-after")) >= 1),
      "every 429 carries Retry-After",
    );
    c.equal(
      fromOther.filter((r) => r.status === 200).length,
      fromOther.length,
      `other source ${OTHER} served during the flood (of ${fromOther.length})`,
    );
    const stripeFlooder = await deliver(server.url, stripeEvent(`evt_${p}stripe-1`, "reliability.flood", { id: "x" }), {
      secret: SECRETS.STRIPE_WEBHOOK_SECRET,
      forwardedFor: FLOODER,
    });
    const stripeOther = await deliver(server.url, stripeEvent(`evt_${p}stripe-2`, "reliability.flood", { id: "x" }), {
      secret: SECRETS.STRIPE_WEBHOOK_SECRET,
      forwardedFor: OTHER,
    });
    c.equal(
      [stripeFlooder.status, stripeOther.status],
      [429, 200],
      "Stripe route: the flooder still limited, the other source served",
    );
    // The second instance: its first request from the flooder is served (it has not synced yet: the bounded
    // overshoot of one sync interval, lib/auth/shared-limiter.ts), then it refuses: the count is shared.
    const pause = () => new Promise((r) => setTimeout(r, 500)); // both instances' batched sync (100 ms)
    await pause();
    const twinEvents = Array.from({ length: 6 }, (_, i) => appEvent(`${p}twin-${i}`, "reliability.flood", { i }));
    const twinFirst = await deliver(twin.url, twinEvents[0]!, opts(FLOODER));
    await pause();
    const twinRest: Reply[] = [];
    for (const d of twinEvents.slice(1)) twinRest.push(await deliver(twin.url, d, opts(FLOODER)));
    const twinOther = await deliver(twin.url, appEvent(`${p}twin-other`, "reliability.flood", {}), opts(OTHER));
    const twinLimited = twinRest.filter((r) => r.status === 429).length;
    c.equal(
      [twinFirst.status, twinLimited, twinOther.status],
      [200, twinRest.length, 200],
      "second instance on the same database: the flooder's first request served, then 429 (shared count); the other source served",
    );
    twinSummary = `; second instance: flooder ${twinLimited}/${twinRest.length}×429 after one sync`;
    await settle(ctx.sql, p, 30_000);
    const rows = await statusCounts(ctx.sql, p);
    c.equal(rows.total, ok + fromOther.length + 2, "rows stored (only the answered ones; a 429 stores nothing)");

    // /api/health: 600 per minute per source.
    const health = await pool(
      Array.from({ length: 650 }, (_, i) => i),
      8,
      () => send(`${server.url}/api/health`, { method: "GET", headers: { "x-forwarded-for": "203.0.113.10" } }),
    );
    const healthLimited = health.filter((r) => r?.status === 429).length;
    const healthOther = await send(`${server.url}/api/health`, {
      method: "GET",
      headers: { "x-forwarded-for": OTHER },
    });
    c.equal(
      [healthLimited, healthOther.status],
      [50, 200],
      "/api/health: 650 from one source → 50 limited; another source → 200",
    );

    // Failed admin-API authentications: 30 per 5 minutes per source, then even the right token waits.
    const bad = await pool(
      Array.from({ length: 35 }, (_, i) => i),
      4,
      () =>
        send(`${server.url}/api/admin/customers`, {
          method: "GET",
          headers: { "x-forwarded-for": "203.0.113.11", authorization: "Bearer wrong-token-wrong-token-wrong" },
        }),
    );
    const right = (from: string) =>
      send(`${server.url}/api/admin/customers`, {
        method: "GET",
        headers: { "x-forwarded-for": from, authorization: `Bearer ${SECRETS.ADMIN_API_TOKEN}` },
      });
    const [blocked, served] = [await right("203.0.113.11"), await right(OTHER)];
    const twinBlock = await send(`${twin.url}/api/admin/customers`, {
      method: "GET",
      headers: { "x-forwarded-for": "203.0.113.11", authorization: `Bearer ${SECRETS.ADMIN_API_TOKEN}` },
    });
    // The block is checked before the token and the failure counted after it (a round trip to the shared
    // count): up to 3 of the 4 concurrent attempts in flight at the 30th may still be answered 401.
    const unauthorised = bad.filter((r) => r?.status === 401).length;
    c.equal(
      [
        unauthorised >= 30 && unauthorised <= 33,
        unauthorised + bad.filter((r) => r?.status === 429).length,
        blocked.status,
        served.status,
        twinBlock.status,
      ],
      [true, 35, 429, 200, 429],
      `admin API: 35 wrong tokens → ${unauthorised}×401 (30, plus those in flight) then 429; the right token from that source → 429 (on the second instance too), from another → 200`,
    );

    await Promise.all([server.stop(), twin.stop()]);

    // No trusted proxy (the default): X-Forwarded-For is the client's own words and changes nothing.
    const direct = new AppServer(
      await freePort(),
      { ...ctx.serverEnv, WEBHOOK_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE), TRUSTED_PROXY_HOPS: "0" },
      path.join(ctx.logDir, "rate-limit-direct-server.log"),
    );
    await direct.start();
    let spoofedServed = 0;
    try {
      const spoofed = Array.from({ length: RATE_LIMIT_PER_MINUTE + 10 }, (_, i) =>
        appEvent(`${p}direct-${i}`, "reliability.flood", { i }),
      );
      const answers = await pool(spoofed, 4, (d, i) =>
        deliver(direct.url, d, { secret: SECRETS.APP_WEBHOOK_SECRET, forwardedFor: `192.0.2.${i % 250}` }),
      );
      spoofedServed = answers.filter((r) => r?.status === 200).length;
      // The limit is shared with the earlier servers of this scenario (same database, same socket source
      // 127.0.0.1 within the minute), so fewer than the limit may be served; never more.
      const limited = answers.filter((r) => r?.status === 429).length;
      c.equal(
        spoofedServed <= RATE_LIMIT_PER_MINUTE && limited >= 10 && spoofedServed + limited === spoofed.length,
        true,
        `no trusted proxy: a new X-Forwarded-For on every request is still one source (limited): ${spoofedServed} served, ${limited}×429`,
      );
    } finally {
      await direct.stop();
    }

    return c.result(
      `webhook flood ${flood.length} → ${ok} served, ${limited.length}×429, other source ${fromOther.filter((r) => r.status === 200).length}/${fromOther.length} served; health ${healthLimited}×429 of 650; admin auth blocked after 30 failures; spoofed X-Forwarded-For without a proxy → ${spoofedServed} served${twinSummary}`,
    );
  } finally {
    await Promise.all([server.stop(), twin.stop()]);
  }
}
