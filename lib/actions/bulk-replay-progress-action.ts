"use server";
// Polled by the events list after a bulk replay: how many of the queued events have finished since.
import { z } from "zod";
import { getDb } from "@/db";
import { BULK_REPLAY_LIMIT } from "@/lib/commands/replay";
import { replayProgress, type ReplayProgress } from "@/lib/commands/replay-progress";
import { adminAction, type ActionResult } from "./safe-action";

const input = z.object({ eventIds: z.array(z.uuid()).max(BULK_REPLAY_LIMIT), queuedAt: z.iso.datetime({ offset: true }) }).strict();

export async function bulkReplayProgressAction(eventIds: string[], queuedAt: string): Promise<ActionResult<{ progress: ReplayProgress }>> {
  return adminAction(input, { eventIds, queuedAt }, async (_actor, data) => {
    const progress = await replayProgress(await getDb(), [...new Set(data.eventIds)], new Date(data.queuedAt));
    return { ok: true, progress };
  });
}
