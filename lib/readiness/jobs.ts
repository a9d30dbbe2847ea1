// Background jobs: with JOBS_DRIVER=inngest, the Inngest keys are present (and no dev server in production).
import { problemsFor } from "./configuration";
import { fail, failInProduction, pass, warn, type CheckDefinition } from "./types";

const KEYS_FIX =
  "Set INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY from the Inngest dashboard (Manage → Event keys, Signing key), or set JOBS_DRIVER=inline.";

export const jobChecks: CheckDefinition[] = [
  {
    id: "jobs.engine",
    group: "jobs",
    title: "Job engine",
    run: (ctx) => {
      const { now, production } = problemsFor(ctx, "jobs.engine");
      const fix = [...now, ...production].some((p) => p.startsWith("INNGEST_DEV"))
        ? `Unset INNGEST_DEV. ${KEYS_FIX}`
        : KEYS_FIX;
      if (now.length) return fail(now.join(" "), fix);
      if (production.length) return warn(`A production start would refuse this: ${production.join(" ")}`, fix);
      const env = ctx.env;
      if (env.JOBS_DRIVER === "inline")
        return pass(
          "Inline: steps run in this server after each webhook, and a sweeper re-drives unfinished events. Fine for a single server.",
        );
      if (env.INNGEST_DEV && !(env.INNGEST_EVENT_KEY && env.INNGEST_SIGNING_KEY))
        return failInProduction(
          ctx,
          "INNGEST_DEV is set: events go to a local Inngest dev server, not Inngest Cloud.",
          `Unset INNGEST_DEV. ${KEYS_FIX}`,
        );
      if (env.INNGEST_SIGNING_KEY && !/^signkey-/.test(env.INNGEST_SIGNING_KEY))
        return warn("INNGEST_SIGNING_KEY does not look like an Inngest signing key (signkey-…).", KEYS_FIX);
      const host = env.APP_URL ? new URL(env.APP_URL).origin : "https://<your-host>";
      return pass(`Inngest, with the event and signing keys set; Inngest must reach ${host}/api/inngest.`);
    },
  },
];
