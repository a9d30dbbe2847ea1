// Every minute: re-send events still `received` a minute after they arrived (a lost send, a crash before
// it). The send uses the event row id, so Inngest drops it if the first one did get through.
import { cron } from "inngest";
import { and, asc, eq, lt } from "drizzle-orm";
import { getDb } from "@/db";
import { events } from "@/db/schema";
import { customerKeyOf } from "@/lib/pipeline/engine/registry";
import { inngest } from "../client";

export const sweepEventsFunction = inngest.createFunction(
  { id: "sweep-events", triggers: [cron("* * * * *")], retries: 1 },
  async ({ step }) => {
    const waiting = await step.run("find-waiting", async () => {
      const db = await getDb();
      const rows = await db
        .select({ id: events.id, source: events.source, type: events.type, rawBody: events.rawBody })
        .from(events)
        .where(and(eq(events.status, "received"), lt(events.receivedAt, new Date(Date.now() - 60_000))))
        .orderBy(asc(events.receivedAt))
        .limit(1000);
      return rows.map((r) => ({ id: r.id, customerKey: customerKeyOf(r.source, r.type, r.rawBody) ?? r.id }));
    });
    if (waiting.length) {
      await step.sendEvent(
        "resend",
        waiting.map((w) => ({ id: w.id, name: "ops/event.received" as const, data: { eventId: w.id, customerKey: w.customerKey, mode: "deliver" as const } })),
      );
    }
    return { resent: waiting.length };
  },
);
