// Webhook freshness: when Stripe and the app last delivered, and whether anything waits unprocessed.
import { formatDistanceStrict } from "date-fns";
import { backlogCounts, lastArrival } from "@/db/queries/event-metrics";
import { withDatabase } from "./database";
import { pass, warn, type CheckDefinition, type ReadinessContext } from "./types";

const BACKLOG_MINUTES = 5;

const publicBase = (ctx: ReadinessContext) =>
  ctx.env.APP_URL ? new URL(ctx.env.APP_URL).origin : "https://<your-host>";
const ago = (ctx: ReadinessContext, at: Date) =>
  `${formatDistanceStrict(at, ctx.now())} ago (${at.toISOString().replace(/\.\d+Z$/, "Z")})`;

function freshness(source: "stripe" | "app"): CheckDefinition {
  const name = source === "stripe" ? "Stripe" : "app";
  return {
    id: `webhooks.${source}`,
    group: "webhooks",
    title: `Last ${name} event`,
    run: (ctx) =>
      withDatabase(ctx, async ({ db }) => {
        const last = await lastArrival(db, source);
        if (last) return pass(`The last ${name} event arrived ${ago(ctx, last)}.`);
        const url = `${publicBase(ctx)}/api/webhooks/${source}`;
        return warn(
          `No ${name} event has ever arrived.`,
          source === "stripe"
            ? `Add the endpoint ${url} in Stripe (Developers → Webhooks) and send a test event.`
            : `Have your app's backend post signed events to ${url} (README → Sending your app's events).`,
        );
      }),
  };
}

export const webhookChecks: CheckDefinition[] = [
  freshness("stripe"),
  freshness("app"),
  {
    id: "webhooks.backlog",
    group: "webhooks",
    title: "Processing backlog",
    run: (ctx) =>
      withDatabase(ctx, async ({ db }) => {
        const backlog = await backlogCounts(db);
        const waiting = backlog.received + backlog.processing;
        const oldest = backlog.oldestWaiting;
        if (!waiting || !oldest) return pass("Nothing is waiting to be processed.");
        const limit = ctx.env.alertThresholds?.backlogMinutes ?? BACKLOG_MINUTES;
        const detail = `${waiting} event${waiting === 1 ? "" : "s"} waiting; the oldest arrived ${ago(ctx, oldest)}.`;
        if (ctx.now().getTime() - oldest.getTime() <= limit * 60_000) return pass(detail);
        return warn(
          `${detail} That is more than ${limit} minutes.`,
          ctx.env.JOBS_DRIVER === "inngest"
            ? "Check in the Inngest dashboard that it reaches /api/inngest and that INNGEST_SIGNING_KEY matches."
            : "Check that the server is running and read its logs for step errors: while it runs, the sweeper re-drives waiting events every 15 seconds.",
        );
      }),
  },
];
