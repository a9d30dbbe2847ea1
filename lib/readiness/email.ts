// Email-domain checks (when EMAIL_DOMAIN is set): one SPF record, a DKIM key at the selector, and a
// DMARC policy, so that support replies sent for the domain (by Zendesk) reach the inbox.
import { fail, pass, warn, type CheckDefinition, type Outcome, type ReadinessContext } from "./types";

/** The TXT records at `name`, each joined from its chunks; [] when there are none. */
async function txt(ctx: ReadinessContext, name: string): Promise<string[] | { error: string }> {
  try {
    return (await ctx.resolver.resolveTxt(name)).map((chunks) => chunks.join(""));
  } catch (err) {
    const code = (err as { code?: string })?.code;
    if (code === "ENODATA" || code === "ENOTFOUND") return [];
    return { error: code ?? String(err) };
  }
}

/** "v=DMARC1; p=reject; rua=…" → { v: "DMARC1", p: "reject", rua: "…" } (tag names lower-cased). */
export function tags(record: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of record.split(";")) {
    const at = part.indexOf("=");
    if (at > 0) out[part.slice(0, at).trim().toLowerCase()] = part.slice(at + 1).trim();
  }
  return out;
}

const lookupFailed = (name: string, error: string): Outcome =>
  fail(`The DNS lookup of ${name} failed (${error}).`, "Check the domain's name servers, then run the checks again.");

function withDomain(ctx: ReadinessContext, run: (domain: string) => Promise<Outcome>): Promise<Outcome> | null {
  return ctx.env.EMAIL_DOMAIN ? run(ctx.env.EMAIL_DOMAIN) : null;
}

async function checkSpf(ctx: ReadinessContext, domain: string): Promise<Outcome> {
  const records = await txt(ctx, domain);
  if (!Array.isArray(records)) return lookupFailed(domain, records.error);
  const spf = records.filter((r) => /^v=spf1(\s|$)/i.test(r.trim()));
  const example = `v=spf1 include:mail.zendesk.com include:<your mail provider> ~all`;
  if (!spf.length)
    return fail(
      `${domain} has no SPF record (a TXT record starting v=spf1).`,
      `Publish one TXT record on ${domain} listing every service that sends its mail, e.g. ${example}.`,
    );
  if (spf.length > 1)
    return fail(
      `${domain} has ${spf.length} SPF records; receivers treat that as an error and SPF fails for all mail.`,
      "Merge them into a single v=spf1 record.",
    );
  const record = spf[0].trim();
  const all = /\s([-~?+]?)all\s*$/i.exec(record);
  if (all?.[1] === "+" || (all && all[1] === ""))
    return fail(
      `The SPF record ends in ${all[0].trim()}: anyone may send mail as ${domain}.`,
      "End the record with ~all (or -all).",
    );
  if (!all && /\sredirect=/i.test(record)) return pass(record);
  if (!all || all[1] === "?")
    return warn(
      `The SPF record (${record}) does not end with ~all or -all, so it does not tell receivers to distrust other senders.`,
      "End the record with ~all (or -all once all your senders are listed).",
    );
  return pass(record);
}

async function checkDkim(ctx: ReadinessContext, domain: string): Promise<Outcome> {
  const selector = ctx.env.DKIM_SELECTOR;
  const name = `${selector}._domainkey.${domain}`;
  const records = await txt(ctx, name);
  if (!Array.isArray(records)) return lookupFailed(name, records.error);
  const fix =
    `Publish the DKIM record your mail sender gives you at ${name} (Zendesk: a CNAME to ${selector}._domainkey.zendesk.com), ` +
    "or set DKIM_SELECTOR to your provider's selector (google for Google Workspace, selector1 for Microsoft 365).";
  const keys = records.map(tags).filter((t) => "p" in t || t.v?.toUpperCase() === "DKIM1");
  if (!keys.length) return fail(`No DKIM record at ${name}.`, fix);
  const key = keys[0];
  if (!key.p) return fail(`The DKIM record at ${name} has an empty key (p=): the key was revoked.`, fix);
  if (key.v?.toUpperCase() !== "DKIM1")
    return warn(
      `The DKIM record at ${name} has a key but no v=DKIM1 tag.`,
      "Publish the record exactly as your mail provider gives it, starting with v=DKIM1.",
    );
  return pass(`${name} publishes a DKIM key (v=DKIM1, k=${key.k ?? "rsa"}).`);
}

async function checkDmarc(ctx: ReadinessContext, domain: string): Promise<Outcome> {
  const name = `_dmarc.${domain}`;
  const records = await txt(ctx, name);
  if (!Array.isArray(records)) return lookupFailed(name, records.error);
  const dmarc = records.filter((r) => /^v=DMARC1\s*(;|$)/i.test(r.trim()));
  const fix = `Publish a TXT record at ${name}: v=DMARC1; p=quarantine; rua=mailto:dmarc@${domain}.`;
  if (!dmarc.length) return fail(`No DMARC record at ${name}.`, fix);
  if (dmarc.length > 1)
    return fail(
      `${dmarc.length} DMARC records at ${name}: receivers ignore them all.`,
      "Keep exactly one v=DMARC1 record.",
    );
  const policy = tags(dmarc[0]).p?.toLowerCase();
  if (!policy || !["none", "quarantine", "reject"].includes(policy))
    return fail(`The DMARC record at ${name} has no valid policy (p=none, quarantine or reject).`, fix);
  if (policy === "none")
    return warn(
      `DMARC policy is p=none: mail that fails SPF and DKIM is still delivered as ${domain}.`,
      "Move to p=quarantine (then p=reject) once the reports show your own mail passes.",
    );
  return pass(`DMARC policy is p=${policy}.`);
}

export const emailChecks: CheckDefinition[] = [
  {
    id: "email.domain",
    group: "email",
    title: "EMAIL_DOMAIN set",
    run: (ctx) =>
      ctx.env.EMAIL_DOMAIN
        ? null
        : warn(
            "EMAIL_DOMAIN is not set, so SPF, DKIM and DMARC were not checked.",
            "Set EMAIL_DOMAIN to the domain your support replies are sent from (and DKIM_SELECTOR if it is not zendesk1).",
          ),
  },
  { id: "email.spf", group: "email", title: "SPF record", run: (ctx) => withDomain(ctx, (d) => checkSpf(ctx, d)) },
  { id: "email.dkim", group: "email", title: "DKIM record", run: (ctx) => withDomain(ctx, (d) => checkDkim(ctx, d)) },
  {
    id: "email.dmarc",
    group: "email",
    title: "DMARC policy",
    run: (ctx) => withDomain(ctx, (d) => checkDmarc(ctx, d)),
  },
];
