"use server";
// Replays one event from the console: its failed steps, or (force) every step. Admin role; the same
// operation as POST /api/admin/events/:id/replay.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { replayEvent } from "@/lib/commands/replay";
import type { ProcessOutcome } from "@/lib/pipeline/engine/process-event";
import { adminAction, type ActionResult } from "./safe-action";

const input = z.object({ eventId: z.uuid("The event id must be a UUID."), force: z.boolean() });

export type ReplayEventActionResult = ActionResult<{ eventId: string; outcome: ProcessOutcome | { status: "queued" } }>;

export async function replayEventAction(eventId: string, force: boolean): Promise<ReplayEventActionResult> {
  return adminAction(input, { eventId, force }, async (actor, data) => {
    const result = await replayEvent(await getDb(), actor, data.eventId, { force: data.force });
    revalidatePath(`/events/${data.eventId}`);
    revalidatePath("/events");
    if (!result.ok) return result;
    return { ok: true, eventId: result.eventId, outcome: result.outcome };
  });
}
