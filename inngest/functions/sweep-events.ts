// Every minute: re-send events still `received` a minute after they arrived (a lost send, a crash before
// it). The send uses the event row id, so Inngest drops it if the first one did get through.
import { cron } from "inngest";
import { findUnfinished } from "@/lib/jobs";
import { inngest } from "../client";

export const sweepEventsFunction = inngest.createFunction(
  { id: "sweep-events", triggers: [cron("* * * * *")], retries: 1 },
  async ({ step }) => {
    const waiting = await step.run("find-waiting", async () => {
      const rows = await findUnfinished({ receivedBefore: new Date(Date.now() - 60_000), limit: 1000 });
      return rows.map((r) => ({ id: r.id, customerKey: r.customerKey ?? r.id }));
    });
    if (waiting.length) {
      await step.sendEvent(
        "resend",
        waiting.map((w) => ({
          id: w.id,
          name: "ops/event.received" as const,
          data: { eventId: w.id, customerKey: w.customerKey, mode: "deliver" as const },
        })),
      );
    }
    return { resent: waiting.length };
  },
);
