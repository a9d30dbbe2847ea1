// The jobs-driver switch: `inline` runs the pipeline in this process after the response; `inngest` sends
// `ops/event.received` (id = the event row id, so a retried send is deduplicated by Inngest).
import { after } from "next/server";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { getServices } from "@/lib/integrations";
import { customerKeyOf } from "@/lib/pipeline/engine/registry";
import type { ProcessMode } from "@/lib/pipeline/engine/process-event";
import { InlineRunner } from "./inline";

const globalForJobs = globalThis as unknown as { __opsInlineRunner?: InlineRunner };

export function getInlineRunner(): InlineRunner {
  globalForJobs.__opsInlineRunner ??= new InlineRunner({ db: getDb, services: getServices, staleAfterMs: env.JOBS_STALE_AFTER_SECONDS * 1000 });
  return globalForJobs.__opsInlineRunner;
}

/** Replaces the process-wide inline runner (tests use short retry delays). */
export function setInlineRunner(runner: InlineRunner | undefined): void {
  globalForJobs.__opsInlineRunner = runner;
}

/** Schedules work after the response when inside a request, else right away. */
function afterResponse(work: () => Promise<unknown>) {
  try {
    after(work);
  } catch {
    void work();
  }
}

export type EnqueueInput = { id: string; source: "stripe" | "app"; type: string; rawBody: string | null };

export async function enqueueEvent(input: EnqueueInput, mode: ProcessMode = "deliver"): Promise<void> {
  const customerKey = customerKeyOf(input.source, input.type, input.rawBody);
  if (env.JOBS_DRIVER === "inngest") {
    const { inngest } = await import("@/inngest/client");
    try {
      await inngest.send({ id: mode === "deliver" ? input.id : undefined, name: "ops/event.received", data: { eventId: input.id, customerKey: customerKey ?? input.id, mode } });
    } catch (err) {
      // The row is stored: the sweeper function re-sends events that stay `received`.
      log.error("jobs.enqueue_failed", { eventId: input.id, error: err });
    }
    return;
  }
  const runner = getInlineRunner();
  afterResponse(() => runner.run(input.id, customerKey, mode));
}
