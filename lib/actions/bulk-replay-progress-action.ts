"use server";
// Polled by the events list after a bulk replay: how many of the queued events have finished since.
import { z } from "zod";
import { getDb } from "@/db";
import { BULK_REPLAY_LIMIT } from "@/lib/commands/replay";
import { replayProgress, type ReplayProgress } from "@/lib/commands/replay-progress";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

const progress = defineAction(
  {
    role: "admin",
    input: z
      .object({ eventIds: z.array(z.uuid()).max(BULK_REPLAY_LIMIT), queuedAt: z.iso.datetime({ offset: true }) })
      .strict(),
  },
  async ({ input }) => ({
    ok: true,
    progress: await replayProgress(await getDb(), [...new Set(input.eventIds)], new Date(input.queuedAt)),
  }),
);

export async function bulkReplayProgressAction(
  eventIds: string[],
  queuedAt: string,
): Promise<Result<{ progress: ReplayProgress }>> {
  return progress({ eventIds, queuedAt });
}
