// Bad input matrix: forged, stale and malformed signatures; malformed, empty, oversized, mis-typed,
// non-UTF-8 and odd-shaped bodies, against both webhook routes. Each must answer 4xx (or 200 `ignored`
// for a well-formed event of an unknown type) with zero side effects: no rows but the ignored ones, no
// pipeline work, no sandbox call.
import type { Context } from "./lib/context";
import { diffCounts, tableCounts } from "./lib/db";
import { Checks, sleep, type ScenarioResult } from "./lib/report";
import { lastSeqs, requestsSince } from "./lib/sandbox-state";
import { now, send, sign, type Reply } from "./lib/webhooks";
import { SECRETS } from "./lib/config";

type Route = "app" | "stripe";
type Expect = number | "4xx" | "ignored";
type Variant = {
  route: Route;
  name: string;
  expect: Expect;
  init: () => RequestInit & { duplex?: "half" };
  method?: string;
};

const OVERSIZE = 300 * 1024;

export function variants(prefix: string): Variant[] {
  let k = 0;
  const id = () => `${prefix}${++k}`;
  const app = (over: Record<string, unknown> = {}, data: Record<string, unknown> = {}) =>
    JSON.stringify({
      id: id(),
      type: "user.signed_up",
      created: new Date().toISOString(),
      data: { userId: `${prefix}user`, email: `${prefix}user@bad.test`, ...data },
      ...over,
    });
  const stripe = (over: Record<string, unknown> = {}) =>
    JSON.stringify({
      id: `evt_${id()}`,
      object: "event",
      created: now(),
      type: "customer.subscription.updated",
      data: { object: { id: "sub_bad", object: "subscription", customer: "cus_bad", status: "active" } },
      ...over,
    });
  const header = (route: Route) => (route === "app" ? "app-signature" : "stripe-signature");
  const secret = (route: Route) => (route === "app" ? SECRETS.APP_WEBHOOK_SECRET : SECRETS.STRIPE_WEBHOOK_SECRET);
  /** A correctly signed request unless told otherwise. */
  /** `skew`: seconds added to the signing time, taken when the request is sent. */
  const req =
    (
      route: Route,
      body: string | Uint8Array,
      o: { sig?: string | null; contentType?: string; secret?: string; skew?: number } = {},
    ) =>
    () => {
      const headers: Record<string, string> = { "content-type": o.contentType ?? "application/json" };
      const sig = o.sig === undefined ? sign(body, o.secret ?? secret(route), now() + (o.skew ?? 0)) : o.sig;
      if (sig !== null) headers[header(route)] = sig;
      return { headers, body: body as BodyInit };
    };
  const hmac = (route: Route, body: string, t: number) => sign(body, secret(route), t).split(",v1=")[1]!;
  const big = (route: Route) =>
    route === "app" ? app({}, { name: "x".repeat(OVERSIZE) }) : stripe({ padding: "x".repeat(OVERSIZE) });
  const nonUtf8 = (route: Route) => {
    const text = route === "app" ? app({}, { name: "__BAD__" }) : stripe({ note: "__BAD__" });
    const [a, b] = text.split("__BAD__");
    return Buffer.concat([Buffer.from(a!), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xa0, 0xa1]), Buffer.from(b!)]);
  };
  const chunked = (route: Route) => () => {
    const body = big(route);
    const sig = sign(body, secret(route));
    const bytes = Buffer.from(body);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 16 * 1024) controller.enqueue(bytes.subarray(i, i + 16 * 1024));
        controller.close();
      },
    });
    return {
      headers: { "content-type": "application/json", [header(route)]: sig },
      body: stream,
      duplex: "half" as const,
    };
  };

  const both = (name: string, expect: Expect, make: (route: Route) => Variant["init"]): Variant[] =>
    (["app", "stripe"] as const).map((route) => ({ route, name, expect, init: make(route) }));
  const t = now();
  return [
    // Signatures and timestamps
    ...both("no signature header", 400, (r) => req(r, r === "app" ? app() : stripe(), { sig: null })),
    ...both("signed with another secret", 400, (r) =>
      req(r, r === "app" ? app() : stripe(), { secret: "whsec_not_the_right_secret_0000" }),
    ),
    ...both("timestamp 301 s old", 400, (r) => req(r, r === "app" ? app() : stripe(), { skew: -301 })),
    ...both("timestamp 301 s ahead, another secret", 400, (r) =>
      req(r, r === "app" ? app() : stripe(), { skew: 301, secret: "whsec_future_forgery_000000000" }),
    ),
    { route: "app", name: "timestamp 301 s ahead", expect: 400, init: req("app", app(), { skew: 301 }) },
    ...both("header is not t=…,v1=…", 400, (r) => req(r, r === "app" ? app() : stripe(), { sig: "sha256=deadbeef" })),
    ...both("t is not a number", 400, (r) => {
      const body = r === "app" ? app() : stripe();
      return req(r, body, { sig: `t=abc,v1=${hmac(r, body, t)}` });
    }),
    ...both("three v1 values, none valid", 400, (r) =>
      req(r, r === "app" ? app() : stripe(), { sig: `t=${t},v1=${"0".repeat(64)},v1=${"f".repeat(64)},v1=abc` }),
    ),
    ...both("only a v0 signature (right HMAC, wrong scheme)", 400, (r) => {
      const body = r === "app" ? app() : stripe();
      return req(r, body, { sig: `t=${t},v0=${hmac(r, body, t)}` });
    }),
    ...both("body changed after signing", 400, (r) => {
      const body = r === "app" ? app() : stripe();
      return req(r, body.replace("@bad.test", "@evil.test").replace("active", "canceled"), {
        sig: sign(body, secret(r)),
      });
    }),
    ...both("a valid v1 moved to a new timestamp", 400, (r) => {
      const body = r === "app" ? app() : stripe();
      return req(r, body, { sig: `t=${t},v1=${hmac(r, body, t - 10)}` });
    }),
    {
      route: "app",
      name: "20 KB signature header",
      expect: "4xx",
      init: req("app", app(), { sig: `t=${t},v1=${"a".repeat(20_000)}` }),
    },
    // Bodies (correctly signed)
    ...both("malformed JSON", 400, (r) => req(r, '{"id": "x", "type": ')),
    ...both("empty body", 400, (r) => req(r, "")),
    ...both(`${OVERSIZE / 1024} KiB body (over the 256 KiB cap)`, 413, (r) => req(r, big(r))),
    ...both(`${OVERSIZE / 1024} KiB chunked body without Content-Length`, 413, (r) => chunked(r)),
    ...both("form-encoded body (wrong content type)", 400, (r) =>
      req(r, `id=${id()}&type=user.signed_up&data[userId]=x`, { contentType: "application/x-www-form-urlencoded" }),
    ),
    ...both("invalid UTF-8 bytes, signed as sent", 400, (r) => req(r, nonUtf8(r))),
    ...both("JSON null", 400, (r) => req(r, "null")),
    ...both("an array of events instead of an event", 400, (r) => req(r, `[${r === "app" ? app() : stripe()}]`)),
    ...both("created is a huge number (1e400)", 400, (r) =>
      req(r, (r === "app" ? app() : stripe()).replace(/"created":("[^"]*"|\d+)/, '"created":1e400')),
    ),
    {
      route: "app",
      name: "data is an array",
      expect: 400,
      init: req("app", app({ data: [{ userId: "u", email: "u@bad.test" }] })),
    },
    { route: "app", name: "missing id", expect: 400, init: req("app", app({ id: undefined })) },
    { route: "app", name: "missing data.email", expect: 400, init: req("app", app({}, { email: undefined })) },
    { route: "app", name: "userId is a number", expect: 400, init: req("app", app({}, { userId: 42 })) },
    {
      route: "app",
      name: "userId is a huge number (1e30)",
      expect: 400,
      init: req("app", app({}, { userId: "__N__" }).replace('"__N__"', "1000000000000000000000000000000")),
    },
    {
      route: "app",
      name: "created is a unix number, not ISO 8601",
      expect: 400,
      init: req("app", app({ created: t })),
    },
    {
      route: "app",
      name: "created is not a date (2024-13-45)",
      expect: 400,
      init: req("app", app({ created: "2024-13-45T25:61:00Z" })),
    },
    {
      route: "app",
      name: "email with a zero-width space",
      expect: 400,
      init: req("app", app({}, { email: "ada\u200b@example.com" })),
    },
    {
      route: "app",
      name: "email in another script (аda@пример.рф)",
      expect: 400,
      init: req("app", app({}, { email: "аda@пример.рф" })),
    },
    { route: "app", name: "id of 10,000 characters", expect: 400, init: req("app", app({ id: "x".repeat(10_000) })) },
    {
      route: "app",
      name: "NUL character in the event id",
      expect: 400,
      init: req("app", app({ id: `${prefix}nul\u0000id` })),
    },
    {
      route: "app",
      name: "NUL character in data.userId",
      expect: 400,
      init: req("app", app({}, { userId: `${prefix}nul\u0000user` })),
    },
    {
      route: "app",
      name: "type set only through __proto__",
      expect: 400,
      init: req("app", app({ type: undefined }).replace(/^\{/, '{"__proto__":{"type":"user.signed_up"},')),
    },
    {
      route: "app",
      name: "100,000-deep nested arrays in data",
      expect: 400,
      init: req("app", app().replace(/"data":\{[^}]*\}/, `"data":${"[".repeat(100_000)}${"]".repeat(100_000)}`)),
    },
    {
      route: "app",
      name: "support.requested without subject and message",
      expect: 400,
      init: req("app", app({ type: "support.requested" }, { requestId: "r1" })),
    },
    { route: "stripe", name: "id is not evt_…", expect: 400, init: req("stripe", stripe({ id: id() })) },
    {
      route: "stripe",
      name: "data.object is an array",
      expect: 400,
      init: req("stripe", stripe({ data: { object: [1, 2] } })),
    },
    {
      route: "stripe",
      name: "created is a string",
      expect: 400,
      init: req("stripe", stripe({ created: "yesterday" })),
    },
    {
      route: "stripe",
      name: "NUL character in the event id",
      expect: 400,
      init: req("stripe", stripe({ id: `evt_${prefix}nul\u0000id` })),
    },
    // Well-formed events of unknown types: stored, `ignored`, 200
    ...both("unknown event type", "ignored", (r) =>
      req(r, r === "app" ? app({ type: "user.teleported" }) : stripe({ type: "radar.early_fraud_warning.created" })),
    ),
    ...both('event type "constructor" (an Object prototype key)', "ignored", (r) =>
      req(r, r === "app" ? app({ type: "constructor" }) : stripe({ type: "constructor" })),
    ),
    {
      route: "app",
      name: "unknown type with extra fields and unicode (Zoë 李 🚀, RTL, zero-width)",
      expect: "ignored",
      init: req(
        "app",
        app({ type: "user.mood_changed", extra: { mood: "Zoë 李 🚀 \u202eevil\u202c", nested: { a: [1, 2, 3] } } }),
      ),
    },
    // Wrong method
    ...both("GET instead of POST", 405, (_r) => () => ({ headers: {} })).map((v) => ({ ...v, method: "GET" })),
  ];
}

export async function badInput(ctx: Context): Promise<ScenarioResult> {
  const c = new Checks("Bad input matrix");
  const prefix = `bad-${ctx.runId}-`;
  const list = variants(prefix);
  const before = await tableCounts(ctx.sql);
  const seqsBefore = lastSeqs(ctx.sandbox);
  const outcomes: { v: Variant; reply: Reply; ok: boolean }[] = [];
  for (const v of list) {
    let reply = await send(`${ctx.server.url}/api/webhooks/${v.route}`, { method: v.method ?? "POST", ...v.init() });
    // A socket the server closed after refusing an oversized body may be handed to the next request by the
    // client's keep-alive pool; like any sender (Stripe included), retry a connection reset once.
    if (reply.status === 0 && /ECONNRESET|UND_ERR_SOCKET|EPIPE/.test(reply.error ?? "")) {
      reply = await send(`${ctx.server.url}/api/webhooks/${v.route}`, { method: v.method ?? "POST", ...v.init() });
    }
    const ok =
      v.expect === "ignored"
        ? reply.status === 200 && reply.json?.ignored === true
        : v.expect === "4xx"
          ? reply.status >= 400 && reply.status < 500
          : reply.status === v.expect;
    outcomes.push({ v, reply, ok });
  }
  await sleep(3000); // anything scheduled after the responses would have run by now

  const ignoredExpected = list.filter((v) => v.expect === "ignored").length;
  const after = await tableCounts(ctx.sql);
  const changed = diffCounts(before, after);
  const wrong = outcomes.filter((o) => !o.ok);
  for (const o of outcomes) {
    const got =
      o.reply.status === 0
        ? `no answer (${o.reply.error})`
        : `${o.reply.status} ${(typeof o.reply.json?.error === "string" ? o.reply.json.error : o.reply.json?.ignored ? "ignored" : o.reply.text).slice(0, 90)}`;
    c.check(o.ok, `${o.v.route.padEnd(6)} ${o.v.name} → ${got}${o.ok ? "" : ` (expected ${o.v.expect})`}`);
  }
  c.check(
    outcomes.every((o) => o.reply.status !== 0 || o.v.expect === "4xx"),
    "every request answered",
  );
  c.check(
    outcomes.every((o) => o.reply.status < 500),
    "no 5xx (a provider would retry a 5xx forever)",
  );
  c.equal(changed, { events: ignoredExpected, ignored: ignoredExpected }, "table changes (only the ignored rows)");
  // No call to any service: the readiness checks' scheduled reads (GET, one per service, on the ops tick's own
  // schedule) may land in this window and are not the input's doing; any write is.
  c.equal(
    requestsSince(ctx.sandbox, seqsBefore, { writesOnly: true }),
    [],
    "sandbox writes after the bad input (scheduled readiness reads aside)",
  );
  const reads = requestsSince(ctx.sandbox, seqsBefore);
  c.check(reads.length <= 3, `sandbox reads after the bad input: ${reads.length ? reads.join(", ") : "none"}`);
  const answers = outcomes.map((o) => o.reply.text).join("\n");
  c.check(!Object.values(SECRETS).some((s) => s.length > 12 && answers.includes(s)), "no secret in any answer");

  const rejected = outcomes.filter((o) => o.reply.status >= 400 && o.reply.status < 500).length;
  const ignored = outcomes.filter((o) => o.reply.status === 200 && o.reply.json?.ignored).length;
  return c.result(
    `${list.length} variants (${list.filter((v) => v.route === "app").length} app, ${list.filter((v) => v.route === "stripe").length} stripe): ${rejected} 4xx, ${ignored} ignored, ${wrong.length} wrong; side effects: ${Object.keys(changed).length === 2 && changed.events === ignoredExpected && changed.ignored === ignoredExpected ? "none" : JSON.stringify(changed)}`,
  );
}
