// Append-only audit entries for every write made from the console or the admin API.
import type { Db } from "@/db";
import { auditLog } from "@/db/schema";
import type { Actor } from "./auth/roles";

export async function audit(db: Db, actor: Actor, action: string, target: { type: string; id: string } | null, details?: Record<string, unknown>): Promise<void> {
  await db.insert(auditLog).values({
    actorId: actor.id,
    actorEmail: actor.email,
    via: actor.via,
    action,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    details: (details ?? null) as never,
  });
}
