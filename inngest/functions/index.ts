// Every Inngest function the app serves at /api/inngest.
import { processEventFunction } from "./event-pipeline";
import { sweepEventsFunction } from "./sweep-events";
import { opsTickFunction } from "./ops-tick";
import { stripeBackfillFunction } from "./stripe-backfill";

export const functions = [processEventFunction, sweepEventsFunction, opsTickFunction, stripeBackfillFunction];
