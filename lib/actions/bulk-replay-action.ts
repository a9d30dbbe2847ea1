"use server";
// Bulk replay from the events list: the failed events among selected rows, or every failed event
// matching the list's filters. Admin role; the same operation as POST /api/admin/events/replay.
import { z } from "zod";
import { getDb } from "@/db";
import { BULK_REPLAY_LIMIT, bulkReplay, countReplayable } from "@/lib/commands/replay";
import type { Result } from "@/lib/result";
import { eventFilterBody, type EventFilterInput } from "@/lib/schemas/event-filter";
import { defineAction } from "./safe-action";

export type BulkReplayFilter = EventFilterInput;
export type BulkReplayTarget = { ids: string[] } | { filter: BulkReplayFilter };
export type BulkReplayActionResult = Result<{ replayId: string; queued: number }>;

const targetSchema = z.union([
  z.object({ ids: z.array(z.uuid()).min(1).max(BULK_REPLAY_LIMIT) }).strict(),
  z.object({ filter: eventFilterBody }).strict(),
]);

const replay = defineAction(
  { role: "admin", input: targetSchema, revalidate: ["/events"] },
  async ({ actor, input }) => {
    const result = await bulkReplay(
      await getDb(),
      actor,
      "ids" in input ? { ids: [...new Set(input.ids)] } : { filter: input.filter },
    );
    return { ok: true, replayId: result.replayId, queued: result.queued };
  },
);

const count = defineAction({ role: "admin", input: eventFilterBody }, async ({ input }) => ({
  ok: true,
  count: await countReplayable(await getDb(), input),
  limit: BULK_REPLAY_LIMIT,
}));

export async function bulkReplayAction(target: BulkReplayTarget): Promise<BulkReplayActionResult> {
  return replay(target);
}

/** How many failed events a bulk replay of this filter would queue (the confirmation's number). */
export async function countBulkReplayAction(
  filter: BulkReplayFilter,
): Promise<Result<{ count: number; limit: number }>> {
  return count(filter);
}
