// Typed Inngest events. `ops/event.received` carries the id of a stored `events` row.
import { eventType } from "inngest";
import { z } from "zod";

export const eventReceived = eventType("ops/event.received", {
  schema: z.object({
    eventId: z.uuid(),
    /** Serialises one customer's events (Inngest concurrency key); the event id when there is none. */
    customerKey: z.string(),
    mode: z.enum(["deliver", "replay-failed", "replay-all"]).optional(),
  }),
});
