// The hashed identifiers of erased people (issue 19): written by an erasure's first step, read by the guard that
// ignores later events naming them (lib/erasure/guard.ts) and by the adoption import.
import { eq, inArray, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db";
import { erasedSubjects, erasures } from "@/db/schema";

/**
 * Whether any erasure exists: most deployments have none, and then no event pays for the guard's lookup. Once one
 * exists it always will (erasures are never deleted), so `true` is kept for good; `false` is asked again after
 * FALSE_FOR_MS. An erasure started in this process says so at once (recordErasedSubjects); one started on another
 * instance is seen here within FALSE_FOR_MS, and only the very first erasure of a deployment has that window.
 */
const FALSE_FOR_MS = 2_000;
let anyKnown = false;
let checkedAt = 0;

export async function anyErasureExists(db: Db, now = Date.now()): Promise<boolean> {
  if (anyKnown) return true;
  if (now - checkedAt < FALSE_FOR_MS) return false;
  const [row] = await rowsOf<{ any: boolean }>(db.execute(sql`select exists (select 1 from erased_subjects) as any`));
  checkedAt = now;
  anyKnown = row?.any === true;
  return anyKnown;
}

/** Records the hashes an erasure covers; a hash another erasure already holds stays with it. */
export async function recordErasedSubjects(db: Db, erasureId: string, hashes: string[]): Promise<void> {
  if (!hashes.length) return;
  anyKnown = true;
  await db
    .insert(erasedSubjects)
    .values(hashes.map((hash) => ({ hash, erasureId })))
    .onConflictDoNothing({ target: erasedSubjects.hash });
}

/**
 * The guard's one query: the erasure holding any of these hashes (primary key lookups), with its dates.
 */
export async function erasureHoldingAny(
  db: Db,
  hashes: string[],
): Promise<{ id: string; requestedAt: Date; completedAt: Date | null } | undefined> {
  if (!hashes.length) return undefined;
  const [row] = await db
    .select({ id: erasures.id, requestedAt: erasures.requestedAt, completedAt: erasures.completedAt })
    .from(erasedSubjects)
    .innerJoin(erasures, eq(erasures.id, erasedSubjects.erasureId))
    .where(inArray(erasedSubjects.hash, hashes))
    .limit(1);
  return row;
}

/** Which of these hashes belong to an erased person (the adoption import skips them). */
export async function erasedHashesAmong(db: Db, hashes: string[]): Promise<Set<string>> {
  if (!hashes.length) return new Set();
  const rows = await db
    .select({ hash: erasedSubjects.hash })
    .from(erasedSubjects)
    .where(inArray(erasedSubjects.hash, hashes));
  return new Set(rows.map((r) => r.hash));
}
