// Every Inngest function the app serves at /api/inngest.
import { processEventFunction } from "./process-event";
import { sweepEventsFunction } from "./sweep-events";
import { opsTickFunction } from "./ops-tick";

export const functions = [processEventFunction, sweepEventsFunction, opsTickFunction];
