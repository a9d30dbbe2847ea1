// Every Inngest function the app serves at /api/inngest.
import { processEventFunction } from "./event-pipeline";
import { sweepEventsFunction } from "./sweep-events";
import { opsTickFunction } from "./ops-tick";

export const functions = [processEventFunction, sweepEventsFunction, opsTickFunction];
