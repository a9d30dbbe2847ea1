// Typed Inngest events. `ops/event.received` carries the id of a stored `events` row.
import { eventType } from "inngest";
import { z } from "zod";

export const eventReceived = eventType("ops/event.received", {
  schema: z.object({ eventId: z.string().uuid(), customerKey: z.string().optional(), force: z.boolean().optional() }),
});
