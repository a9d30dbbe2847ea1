// Configuration checks. The rules are lib/env.ts's own: its problems now are failures, and outside
// production, what a production start would refuse is shown as warnings. Never shows a value.
import { DEMO_DEFAULTS } from "@/lib/env";
import { fail, failInProduction, pass, warn, type CheckDefinition, type Outcome, type ReadinessContext } from "./types";

const REQUIRED = / is required when NODE_ENV=production/;
const leadingVariable = (problem: string) => /^([A-Z][A-Z0-9_]+)/.exec(problem)?.[1] ?? "";

/** Which problems each check owns; a problem belongs to the first topic that claims it. */
const TOPICS: { id: string; owns: (problem: string) => boolean }[] = [
  { id: "config.required", owns: (p) => REQUIRED.test(p) },
  { id: "config.auth-secret", owns: (p) => leadingVariable(p) === "AUTH_SECRET" },
  {
    id: "config.admin",
    owns: (p) => ["ADMIN_EMAIL", "ADMIN_PASSWORD", "ADMIN_API_TOKEN"].includes(leadingVariable(p)),
  },
  { id: "config.stripe-key", owns: (p) => leadingVariable(p) === "STRIPE_SECRET_KEY" },
  {
    id: "config.webhook-secrets",
    owns: (p) => ["STRIPE_WEBHOOK_SECRET", "APP_WEBHOOK_SECRET"].includes(leadingVariable(p)),
  },
  { id: "jobs.engine", owns: (p) => /^(JOBS_DRIVER|INNGEST_)/.test(leadingVariable(p)) },
  { id: "config.other", owns: () => true },
];

/** The problems (now, and in a production start) that belong to one check. */
export function problemsFor(ctx: ReadinessContext, topic: string): { now: string[]; production: string[] } {
  const owner = (p: string) => TOPICS.find((t) => t.owns(p))?.id;
  const now = ctx.problems.filter((p) => owner(p) === topic);
  const production = ctx.productionProblems.filter((p) => owner(p) === topic && !now.includes(p));
  return { now, production };
}

/** Failures for today's problems, else warnings for what production would refuse, else `ok`. */
function fromProblems(ctx: ReadinessContext, topic: string, fix: string, ok: () => Outcome): Outcome {
  const { now, production } = problemsFor(ctx, topic);
  if (now.length) return fail(now.map(sentence).join(" "), fix);
  if (production.length)
    return warn(`Fine for now; a production start would refuse it: ${production.map(sentence).join(" ")}`, fix);
  return ok();
}

const set = (ctx: ReadinessContext, key: string) => Boolean(ctx.source[key]?.trim());
/** For variables left unset: outside production the demo values stand in (a pass that says so); in
 *  production there is nothing to judge, and Required variables already fails them. */
function unsetOutcome(ctx: ReadinessContext, keys: string[]): Outcome | undefined {
  const unset = keys.filter((k) => !set(ctx, k));
  if (!unset.length) return undefined;
  if (ctx.strict)
    return warn(
      `Not checked: ${unset.join(", ")} ${unset.length > 1 ? "are" : "is"} not set (see Required variables).`,
      "Set the missing variables first.",
    );
  return pass(
    `Unset, so the demo value${unset.length > 1 ? "s stand" : " stands"} in for ${unset.join(", ")} (see Required variables).`,
  );
}
const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);
const LOOPBACK = /^(127\.|localhost$|\[::1\]$|::1$|0\.0\.0\.0$)/;

export const configurationChecks: CheckDefinition[] = [
  {
    id: "config.required",
    group: "configuration",
    title: "Required variables",
    run: (ctx) => {
      const { now, production } = problemsFor(ctx, "config.required");
      const names = (list: string[]) => list.map(leadingVariable).join(", ");
      const fix = "Set the missing variables in the server's environment (README → Production describes each).";
      if (now.length) return fail(`Missing in production: ${names(now)}.`, fix);
      if (production.length)
        return warn(
          `Not set, so demo values stand in: ${names(production)}. A production start needs each of them.`,
          fix,
        );
      return pass("Every variable production needs is set.");
    },
  },
  {
    id: "config.stripe-key",
    group: "configuration",
    title: "Stripe key matches NODE_ENV",
    run: (ctx) =>
      fromProblems(
        ctx,
        "config.stripe-key",
        "Use a live key (sk_live_ or rk_live_) with NODE_ENV=production and a test key (sk_test_) everywhere else.",
        () => {
          const unset = unsetOutcome(ctx, ["STRIPE_SECRET_KEY"]);
          if (ctx.strict && unset) return unset;
          const live = /^(sk|rk)_live_/.test(ctx.env.STRIPE_SECRET_KEY);
          const mode = `${live ? "Live" : "Test"}-mode key with NODE_ENV=${ctx.env.NODE_ENV}${ctx.env.DEMO_MODE ? " and DEMO_MODE=1" : ""}.`;
          return pass(unset ? `${mode} ${unset.detail}` : mode);
        },
      ),
  },
  {
    id: "config.webhook-secrets",
    group: "configuration",
    title: "Webhook secrets",
    run: (ctx) => {
      const fix =
        "Copy the signing secret (whsec_…) of your Stripe webhook endpoint into STRIPE_WEBHOOK_SECRET, and set APP_WEBHOOK_SECRET to a random value of 32+ characters (openssl rand -hex 32).";
      return fromProblems(ctx, "config.webhook-secrets", fix, () => {
        const issues: string[] = [];
        if (ctx.source.STRIPE_WEBHOOK_SECRET === DEMO_DEFAULTS.STRIPE_WEBHOOK_SECRET)
          issues.push("STRIPE_WEBHOOK_SECRET is the demo value.");
        if (ctx.source.APP_WEBHOOK_SECRET === DEMO_DEFAULTS.APP_WEBHOOK_SECRET)
          issues.push("APP_WEBHOOK_SECRET is the demo value.");
        else if (set(ctx, "APP_WEBHOOK_SECRET") && ctx.env.APP_WEBHOOK_SECRET.length < 32)
          issues.push(`APP_WEBHOOK_SECRET has ${ctx.env.APP_WEBHOOK_SECRET.length} characters; use 32 or more.`);
        if (issues.length) return failInProduction(ctx, issues.join(" "), fix);
        return (
          unsetOutcome(ctx, ["STRIPE_WEBHOOK_SECRET", "APP_WEBHOOK_SECRET"]) ??
          pass(
            `STRIPE_WEBHOOK_SECRET is a whsec_ signing secret; APP_WEBHOOK_SECRET has ${ctx.env.APP_WEBHOOK_SECRET.length} characters.`,
          )
        );
      });
    },
  },
  {
    id: "config.auth-secret",
    group: "configuration",
    title: "AUTH_SECRET strength",
    run: (ctx) => {
      const fix =
        "Generate a new secret with openssl rand -base64 32 and set it as AUTH_SECRET (every console session signs in again).";
      return fromProblems(ctx, "config.auth-secret", fix, () => {
        const secret = ctx.env.AUTH_SECRET;
        const distinct = new Set(secret).size;
        if (set(ctx, "AUTH_SECRET") && distinct < 10)
          return failInProduction(ctx, `AUTH_SECRET uses only ${distinct} different characters: it is guessable.`, fix);
        return unsetOutcome(ctx, ["AUTH_SECRET"]) ?? pass(`${secret.length} characters, ${distinct} different ones.`);
      });
    },
  },
  {
    id: "config.admin",
    group: "configuration",
    title: "Admin password and API token",
    run: (ctx) =>
      fromProblems(
        ctx,
        "config.admin",
        "Choose your own ADMIN_PASSWORD of 12+ characters and set ADMIN_API_TOKEN to a random value (openssl rand -hex 24).",
        () =>
          unsetOutcome(ctx, ["ADMIN_PASSWORD", "ADMIN_API_TOKEN"]) ??
          pass("The owner's password and the admin API token are your own and long enough."),
      ),
  },
  {
    id: "config.demo-mode",
    group: "configuration",
    title: "Demo mode off",
    run: (ctx) => {
      if (ctx.env.NODE_ENV === "production" && ctx.env.DEMO_MODE)
        return fail(
          "DEMO_MODE=1 with NODE_ENV=production: unset settings fall back to demo values and the local sandboxes.",
          "Unset DEMO_MODE and set your own values for everything the other configuration rows name.",
        );
      if (ctx.env.NODE_ENV !== "production")
        return warn(
          `NODE_ENV=${ctx.env.NODE_ENV}: unset settings fall back to demo values, so this is not a production configuration.`,
          "Run the production server with NODE_ENV=production (npm start sets it).",
        );
      // Demo values that lib/env.ts does not already name (it names the secret, password, token and test key).
      const named = ["AUTH_SECRET", "ADMIN_PASSWORD", "ADMIN_API_TOKEN", "STRIPE_SECRET_KEY"];
      const demo = (Object.keys(DEMO_DEFAULTS) as (keyof typeof DEMO_DEFAULTS)[]).filter(
        (k) => !named.includes(k) && ctx.source[k] === DEMO_DEFAULTS[k],
      );
      if (demo.length)
        return fail(
          `These hold the demo values: ${demo.join(", ")}.`,
          "Replace each with the value from your own account.",
        );
      return pass("NODE_ENV=production, DEMO_MODE off, no demo values.");
    },
  },
  {
    id: "config.endpoints",
    group: "configuration",
    title: "Service endpoints",
    run: (ctx) => {
      const bases = [
        ["Stripe", "STRIPE_API_BASE", ctx.env.STRIPE_API_BASE, "api.stripe.com"],
        ["HubSpot", "HUBSPOT_BASE_URL", ctx.env.HUBSPOT_BASE_URL, "api.hubapi.com"],
        [
          "Zendesk",
          "ZENDESK_BASE_URL",
          ctx.env.ZENDESK_BASE_URL,
          `${ctx.env.ZENDESK_SUBDOMAIN || "<subdomain>"}.zendesk.com`,
        ],
      ] as const;
      const local = bases.filter(([, , base]) => base && LOOPBACK.test(new URL(base).hostname));
      if (local.length) {
        const where = local.map(([name, , base]) => `${name} → ${base}`).join(", ");
        const vars = local.map(([, key]) => key).join(", ");
        return failInProduction(
          ctx,
          `Calls go to local sandboxes (${where}), not the real services.`,
          `Leave ${vars} unset and set your real credentials before launch.`,
        );
      }
      return pass(
        `${bases.map(([name, , base, real]) => `${name}: ${base ? `custom endpoint ${base}` : real}`).join("; ")}.`,
      );
    },
  },
  {
    id: "config.other",
    group: "configuration",
    title: "Other settings",
    run: (ctx) =>
      fromProblems(ctx, "config.other", "Correct the variables named here (README → Production describes each).", () =>
        pass("Every other setting is well-formed."),
      ),
  },
];
