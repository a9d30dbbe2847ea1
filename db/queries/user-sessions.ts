// Console sessions (one row per sign-in): created at sign-in, checked on every request, ended by sign-out,
// a password change or reset, or an owner's "sign out everywhere"; the Account and Users pages list them.
import { and, count, desc, eq, gt, isNull, lt, ne } from "drizzle-orm";
import type { Db } from "@/db";
import { type UserSession, userSessions } from "@/db/schema";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The longest user agent kept. */
export const MAX_USER_AGENT_LENGTH = 256;
/** last_seen_at is written at most this often per session. */
export const LAST_SEEN_INTERVAL_MS = 60_000;

export async function createUserSession(
  db: Db,
  input: { userId: string; userAgent?: string | null; clientAddress?: string | null },
): Promise<UserSession> {
  const [row] = await db
    .insert(userSessions)
    .values({
      userId: input.userId,
      userAgent: input.userAgent ? input.userAgent.slice(0, MAX_USER_AGENT_LENGTH) : null,
      clientAddress: input.clientAddress ?? null,
    })
    .returning();
  return row!;
}

/** The session `id` of `userId` when it exists and has not ended; else undefined. */
export async function findActiveSession(db: Db, id: string, userId: string): Promise<UserSession | undefined> {
  if (!UUID.test(id) || !UUID.test(userId)) return undefined;
  const [row] = await db
    .select()
    .from(userSessions)
    .where(and(eq(userSessions.id, id), eq(userSessions.userId, userId), isNull(userSessions.endedAt)))
    .limit(1);
  return row;
}

/** Records activity, at most once a minute per session (a no-op write otherwise). */
export async function touchSession(db: Db, id: string, now = new Date()): Promise<void> {
  await db
    .update(userSessions)
    .set({ lastSeenAt: now })
    .where(
      and(
        eq(userSessions.id, id),
        isNull(userSessions.endedAt),
        lt(userSessions.lastSeenAt, new Date(now.getTime() - LAST_SEEN_INTERVAL_MS)),
      ),
    );
}

/** Ends one session; answers whether it was still active. */
export async function endSession(db: Db, id: string, reason: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const rows = await db
    .update(userSessions)
    .set({ endedAt: new Date(), endReason: reason })
    .where(and(eq(userSessions.id, id), isNull(userSessions.endedAt)))
    .returning({ id: userSessions.id });
  return rows.length > 0;
}

/** Ends every active session of a user (but `exceptId`, the caller's own); answers how many ended. */
export async function endUserSessions(db: Db, userId: string, reason: string, exceptId?: string): Promise<number> {
  const where = [eq(userSessions.userId, userId), isNull(userSessions.endedAt)];
  if (exceptId && UUID.test(exceptId)) where.push(ne(userSessions.id, exceptId));
  const rows = await db
    .update(userSessions)
    .set({ endedAt: new Date(), endReason: reason })
    .where(and(...where))
    .returning({ id: userSessions.id });
  return rows.length;
}

/**
 * A user's active sessions, most recently seen first (the Account page): not ended, and seen since `seenSince`
 * (a session idle past the cookie's lifetime can no longer be used, so it is not listed).
 */
export async function listActiveSessions(db: Db, userId: string, seenSince: Date): Promise<UserSession[]> {
  if (!UUID.test(userId)) return [];
  return db
    .select()
    .from(userSessions)
    .where(and(eq(userSessions.userId, userId), isNull(userSessions.endedAt), gt(userSessions.lastSeenAt, seenSince)))
    .orderBy(desc(userSessions.lastSeenAt), desc(userSessions.createdAt))
    .limit(100);
}

/** Active sessions per user id (the Users page). */
export async function countActiveSessionsByUser(db: Db, seenSince: Date): Promise<Map<string, number>> {
  const rows = await db
    .select({ userId: userSessions.userId, n: count() })
    .from(userSessions)
    .where(and(isNull(userSessions.endedAt), gt(userSessions.lastSeenAt, seenSince)))
    .groupBy(userSessions.userId);
  return new Map(rows.map((r) => [r.userId, Number(r.n)]));
}
