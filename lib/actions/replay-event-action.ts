"use server";
// Replays one event from the console: its failed steps, or (force) every step. Admin role; the same
// operation as POST /api/admin/events/:id/replay.
import { z } from "zod";
import { getDb } from "@/db";
import { replayEvent } from "@/lib/commands/replay";
import type { ProcessOutcome } from "@/lib/pipeline/engine/process-event";
import type { Result } from "@/lib/result";
import { defineAction } from "./safe-action";

export type ReplayEventActionResult = Result<{ eventId: string; outcome: ProcessOutcome | { status: "queued" } }>;

const replay = defineAction(
  {
    role: "admin",
    input: z.object({ eventId: z.uuid("The event id must be a UUID."), force: z.boolean() }),
    revalidate: ({ eventId }) => [`/events/${eventId}`, "/events"],
  },
  async ({ actor, input }) => replayEvent(await getDb(), actor, input.eventId, { force: input.force }),
);

export async function replayEventAction(eventId: string, force: boolean): Promise<ReplayEventActionResult> {
  return replay({ eventId, force });
}
