// Public-URL checks (when APP_URL is set): DNS resolves, the TLS certificate is valid and not about
// to expire, plain HTTP redirects to HTTPS, and the Stripe webhook route refuses an unsigned request.
import { UPTIME_PROBE_BODY, UPTIME_PROBE_HEADER, uptimeProbeToken } from "@/lib/monitoring/probe-token";
import net from "node:net";
import { fail, failInProduction, pass, warn, type CheckDefinition, type Outcome, type ReadinessContext } from "./types";
import {
  isPrivateAddress,
  networkReason,
  probeTls,
  request,
  targetOf,
  type HttpAnswer,
  type Target,
  type TlsProbe,
} from "./net";

const EXPIRY_WARN_DAYS = 14;
const DAY = 86_400_000;

/** The target when APP_URL is set; null leaves the check out. */
function withTarget(ctx: ReadinessContext, run: (t: Target) => Promise<Outcome>): Promise<Outcome | null> | null {
  return ctx.env.APP_URL ? run(targetOf(ctx.env.APP_URL, ctx.network)) : null;
}

const budget = (ctx: ReadinessContext) => Math.max(500, ctx.timeoutMs - 500);
const day = (d: Date) => d.toISOString().slice(0, 10);
const dnsCode = (err: unknown) => (err as { code?: string })?.code ?? "ERROR";

async function checkDns(ctx: ReadinessContext, t: Target): Promise<Outcome> {
  const host = t.hostname;
  if (net.isIP(host))
    return warn(
      `APP_URL uses the address ${host}, not a name.`,
      "Give the console a host name (e.g. ops.example.com) with a certificate for it.",
    );
  if (host === "localhost" || host.endsWith(".localhost"))
    return failInProduction(
      ctx,
      `APP_URL points at this machine (${host}): Stripe and your app cannot reach it.`,
      "Set APP_URL to the console's public https address.",
    );
  const [v4, v6] = await Promise.allSettled([ctx.resolver.resolve4(host), ctx.resolver.resolve6(host)]);
  const addresses = [...(v4.status === "fulfilled" ? v4.value : []), ...(v6.status === "fulfilled" ? v6.value : [])];
  if (!addresses.length) {
    const codes = [v4, v6].map((r) => (r.status === "rejected" ? dnsCode(r.reason) : "ENODATA"));
    const fix = `Create an A, AAAA or CNAME record for ${host} pointing at the server (or your host's load balancer).`;
    if (codes.includes("ENOTFOUND")) return fail(`${host} does not exist in DNS (NXDOMAIN).`, fix);
    if (codes.every((c) => c === "ENODATA")) return fail(`${host} has no A or AAAA record.`, fix);
    return fail(
      `The DNS lookup of ${host} failed (${codes.join(", ")}).`,
      "Check the domain's name servers, then run the checks again.",
    );
  }
  const shown = addresses.slice(0, 4).join(", ") + (addresses.length > 4 ? ", …" : "");
  if (addresses.every(isPrivateAddress))
    return failInProduction(
      ctx,
      `${host} resolves only to private addresses (${shown}): Stripe cannot reach them.`,
      `Point ${host} at the server's public address.`,
    );
  return pass(`${host} resolves to ${shown}.`);
}

const TLS_REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "it is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "its chain ends in a self-signed certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the chain to a known authority is incomplete (missing intermediate certificate?)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "its issuer is not a known authority (or the intermediate certificate is missing)",
  UNABLE_TO_GET_ISSUER_CERT: "its issuer is not a known authority",
  CERT_UNTRUSTED: "it is not trusted",
  CERT_REVOKED: "it was revoked",
};

async function checkTls(ctx: ReadinessContext, t: Target): Promise<Outcome> {
  const host = t.hostname;
  if (t.url.protocol !== "https:")
    return failInProduction(
      ctx,
      `APP_URL is ${t.url.protocol}//: browsers and Stripe need HTTPS.`,
      "Serve the console over HTTPS and set APP_URL to its https:// address.",
    );
  const renew = "Renew the certificate, and automate renewal (your host's managed TLS, or certbot).";
  const trusted = `Install a certificate for ${host} from a public authority (e.g. Let's Encrypt), with its full chain.`;
  let probe: TlsProbe;
  try {
    probe = await probeTls(t, budget(ctx));
  } catch (err) {
    return fail(
      `No TLS connection to ${host}:${t.httpsPort}: ${networkReason(err)}.`,
      `Make the server answer HTTPS on port ${t.httpsPort} for ${host}.`,
    );
  }
  const { cert, error } = probe;
  const validTo = new Date(cert.valid_to);
  const daysLeft = Math.floor((validTo.getTime() - ctx.now().getTime()) / DAY);
  const issuer = cert.issuer?.O ?? cert.issuer?.CN ?? "an unknown issuer";
  if (error === "CERT_HAS_EXPIRED" || daysLeft < 0)
    return fail(`The certificate for ${host} expired on ${day(validTo)}.`, renew);
  if (error === "CERT_NOT_YET_VALID")
    return fail(
      `The certificate for ${host} is not valid until ${cert.valid_from}.`,
      "Check the server's clock and the certificate's dates.",
    );
  if (error === "ERR_TLS_CERT_ALTNAME_INVALID")
    return fail(
      `The certificate is not valid for ${host}: it names ${cert.subjectaltname ?? cert.subject?.CN ?? "other hosts"}.`,
      trusted,
    );
  if (error)
    return fail(
      `The certificate for ${host} is not trusted: ${TLS_REASONS[error] ?? "verification failed"} (${error}).`,
      trusted,
    );
  const summary = `Valid for ${daysLeft} more day${daysLeft === 1 ? "" : "s"} (until ${day(validTo)}), issued by ${issuer}${probe.protocol ? `, ${probe.protocol}` : ""}.`;
  if (daysLeft < EXPIRY_WARN_DAYS)
    return warn(
      `The certificate for ${host} expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"} (${day(validTo)}).`,
      renew,
    );
  return pass(summary);
}

async function checkRedirect(ctx: ReadinessContext, t: Target): Promise<Outcome> {
  const host = t.hostname;
  if (t.url.protocol !== "https:")
    return warn(
      "Not checked: APP_URL is not https://, so there is nothing to redirect to.",
      "Serve the console over HTTPS first.",
    );
  const fix = `Answer every http://${host} request with a 301/308 redirect to https://${host} (most hosts call it "force HTTPS").`;
  let answer: HttpAnswer;
  try {
    answer = await request(t, { protocol: "http:", method: "GET", path: "/", timeoutMs: budget(ctx) });
  } catch (err) {
    return warn(
      `Nothing answers http://${host} on port ${t.httpPort}: ${networkReason(err)}. Visitors who type the address without https get an error.`,
      fix,
    );
  }
  const redirect = [301, 302, 303, 307, 308].includes(answer.status);
  if (!redirect)
    return fail(
      `http://${host}/ answered ${answer.status} instead of redirecting: the console is reachable without encryption.`,
      fix,
    );
  let to: URL;
  try {
    to = new URL(answer.location ?? "", `http://${host}/`);
  } catch {
    return fail(`http://${host}/ answered ${answer.status} with an invalid Location header.`, fix);
  }
  if (!answer.location || to.protocol !== "https:")
    return fail(`http://${host}/ redirects (${answer.status}) to ${to.href}, which is not HTTPS.`, fix);
  if (to.hostname !== host)
    return warn(
      `http://${host}/ redirects (${answer.status}) to another host: ${to.origin}.`,
      `Redirect to https://${host}, the address in APP_URL (or change APP_URL).`,
    );
  return pass(`http://${host}/ redirects (${answer.status}) to ${to.origin}${to.pathname}.`);
}

async function checkWebhookRoute(ctx: ReadinessContext, t: Target): Promise<Outcome> {
  const path = "/api/webhooks/stripe";
  const url = `${t.url.origin}${path}`;
  let answer: HttpAnswer;
  try {
    answer = await request(t, {
      protocol: t.url.protocol === "https:" ? "https:" : "http:",
      method: "POST",
      path,
      // Marked as our own probe: its refusal is not recorded in the founder's Rejected deliveries.
      body: UPTIME_PROBE_BODY,
      headers: { "content-type": "application/json", [UPTIME_PROBE_HEADER]: uptimeProbeToken(ctx.env.AUTH_SECRET) },
      timeoutMs: budget(ctx),
    });
  } catch (err) {
    return fail(
      `POST ${url} got no answer: ${networkReason(err)}.`,
      "Check that the console is deployed and reachable at APP_URL.",
    );
  }
  const said = answer.body.replace(/\s+/g, " ").slice(0, 120);
  const s = answer.status;
  if (s === 400) return pass(`POST ${url} without a signature answers 400, as it should.`);
  if (s >= 200 && s < 300)
    return fail(
      `POST ${url} accepted a request without a Stripe-Signature (${s}).`,
      "Deploy the current build: the route must verify the Stripe-Signature header.",
    );
  if (s >= 300 && s < 400)
    return fail(
      `POST ${url} redirects (${s}${answer.location ? ` to ${answer.location}` : ""}): Stripe does not follow redirects.`,
      "Set APP_URL (and the Stripe endpoint) to the final https address, without a redirect.",
    );
  if (s === 401 || s === 403)
    return fail(
      `POST ${url} answered ${s}: something in front of the console (a login wall or deployment protection) blocks Stripe.`,
      "Let POST /api/webhooks/* through without sign-in or protection.",
    );
  if (s === 404)
    return fail(
      `POST ${url} answered 404: APP_URL does not serve this console.`,
      "Set APP_URL to the console's public address and deploy the current build.",
    );
  return fail(
    `POST ${url} answered ${s}${said ? ` (${said})` : ""} instead of 400.`,
    "Read the server logs for this request; STRIPE_WEBHOOK_SECRET must be set on the server.",
  );
}

export const publicUrlChecks: CheckDefinition[] = [
  {
    id: "public-url.app-url",
    group: "public-url",
    title: "APP_URL set",
    run: (ctx) =>
      ctx.env.APP_URL
        ? null
        : warn(
            "APP_URL is not set, so DNS, the TLS certificate, the HTTPS redirect and the webhook route were not checked.",
            "Set APP_URL to the console's public address (e.g. https://ops.example.com) and run the checks again.",
          ),
  },
  {
    id: "public-url.dns",
    group: "public-url",
    title: "DNS resolves",
    run: (ctx) => withTarget(ctx, (t) => checkDns(ctx, t)),
    timeoutFix: "Check the domain's name servers, then run the checks again.",
  },
  {
    id: "public-url.tls",
    group: "public-url",
    title: "TLS certificate",
    run: (ctx) => withTarget(ctx, (t) => checkTls(ctx, t)),
    timeoutFix: "Make the server answer HTTPS on port 443.",
  },
  {
    id: "public-url.https-redirect",
    group: "public-url",
    title: "HTTP redirects to HTTPS",
    run: (ctx) => withTarget(ctx, (t) => checkRedirect(ctx, t)),
  },
  {
    id: "public-url.webhook-route",
    group: "public-url",
    title: "Webhook route answers",
    run: (ctx) => withTarget(ctx, (t) => checkWebhookRoute(ctx, t)),
  },
];
