"use server";
// Bulk replay from the events list: the failed events among selected rows, or every failed event
// matching the list's filters. Admin role; the same operation as POST /api/admin/events/replay.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import type { EventFilters } from "@/db/queries/events";
import { BULK_REPLAY_LIMIT, bulkReplay, countReplayable } from "@/lib/commands/replay";
import { adminAction, type ActionResult } from "./safe-action";

/** The events list's filters as the client sends them (times as ISO strings). */
const filterSchema = z
  .object({
    source: z.enum(["stripe", "app"]).optional(),
    type: z.string().trim().min(1).max(200).optional(),
    customer: z.string().trim().min(1).max(200).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
const targetSchema = z.union([
  z.object({ ids: z.array(z.uuid()).min(1).max(BULK_REPLAY_LIMIT) }).strict(),
  z.object({ filter: filterSchema }).strict(),
]);

export type BulkReplayFilter = z.input<typeof filterSchema>;
export type BulkReplayTarget = { ids: string[] } | { filter: BulkReplayFilter };
export type BulkReplayActionResult = ActionResult<{ queued: number; eventIds: string[]; queuedAt: string }>;

function toEventFilters(f: z.output<typeof filterSchema>): EventFilters {
  return { ...f, from: f.from ? new Date(f.from) : undefined, to: f.to ? new Date(f.to) : undefined };
}

export async function bulkReplayAction(target: BulkReplayTarget): Promise<BulkReplayActionResult> {
  return adminAction(targetSchema, target, async (actor, data) => {
    // Taken before anything is queued: an event finished after this moment finished on this replay.
    const queuedAt = new Date().toISOString();
    const db = await getDb();
    const result = await bulkReplay(db, actor, "ids" in data ? { ids: [...new Set(data.ids)] } : { filter: toEventFilters(data.filter) });
    revalidatePath("/events");
    return { ok: true, queued: result.queued, eventIds: result.eventIds, queuedAt };
  });
}

/** How many failed events a bulk replay of this filter would queue (the confirmation's number). */
export async function countBulkReplayAction(filter: BulkReplayFilter): Promise<ActionResult<{ count: number; limit: number }>> {
  return adminAction(filterSchema, filter, async (_actor, data) => {
    const count = await countReplayable(await getDb(), toEventFilters(data));
    return { ok: true, count, limit: BULK_REPLAY_LIMIT };
  });
}
