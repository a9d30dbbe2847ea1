// The `since` a founder gives a backfill (the admin API, the console, `npm run backfill -- --since`): a day
// (2026-11-01, midnight UTC) or an ISO 8601 time with its offset (2026-11-01T09:30:00Z).
import { z } from "zod";

export const SINCE_HINT = "a date such as 2026-11-01 or an ISO time such as 2026-11-01T09:30:00Z";

export const sinceField = z
  .string()
  .trim()
  .refine((v) => parseSince(v) !== null, { message: `since must be ${SINCE_HINT}` })
  .transform((v) => parseSince(v) as Date);

/** The instant `text` names, or null when it is not a day or an ISO time with an offset. */
export function parseSince(text: string): Date | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(text);
  if (!day && !time) return null;
  const date = new Date(day ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(date.getTime())) return null;
  // Date() rolls 2026-02-30 over to March: refuse a day that does not exist.
  if (day && date.toISOString().slice(0, 10) !== text) return null;
  return date;
}
