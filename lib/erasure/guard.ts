// Nothing brings an erased person back (issue 19): an event that names an erased person is stored as `ignored`
// with the reason, before any step could recreate a contact, a ticket or a customer.
import type { Db } from "@/db";
import { anyErasureExists, erasureHoldingAny } from "@/db/queries/erased-subjects";
import type { EventSource } from "@/db/schema";
import { customerKeyOf } from "@/lib/pipeline/engine/registry";
import { keyHash, subjectHash } from "./subjects";

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined => (v && typeof v === "object" ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

/**
 * What names a person in an event's payload, besides its handler's customer key: the app's `data.email` and
 * `data.userId`; a Stripe object's customer, emails and `metadata.app_user_id` / `client_reference_id`.
 */
function namedIn(source: EventSource, body: Obj): string[] {
  const hashes: string[] = [];
  const email = (v: unknown) => {
    const e = str(v);
    if (e) hashes.push(subjectHash("email", e));
  };
  if (source === "app") {
    const data = asObj(body.data);
    email(data?.email);
    const user = str(data?.userId);
    if (user) hashes.push(subjectHash("app", user));
  } else if (source === "stripe") {
    const o = asObj(asObj(body.data)?.object) ?? {};
    const customer = o.object === "customer" ? str(o.id) : (str(o.customer) ?? str(asObj(o.customer)?.id));
    if (customer) hashes.push(subjectHash("stripe", customer));
    email(o.email);
    email(o.customer_email);
    email(o.receipt_email);
    email(asObj(o.customer_details)?.email);
    email(asObj(o.billing_details)?.email);
    const app = str(asObj(o.metadata)?.app_user_id) ?? str(o.client_reference_id);
    if (app) hashes.push(subjectHash("app", app));
  }
  return hashes;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Why this event must not run because it names an erased person (a sentence for `events.last_error`), or null.
 * The erasure's own event (`user.deleted`) is never refused here: its handler is idempotent. At most one query
 * (primary key lookups of the hashes the event names), none while no erasure exists.
 */
export async function erasedReason(
  db: Db,
  source: EventSource,
  type: string,
  rawBody: string,
  /** The key stored with the event at ingest, when the caller has it (saves parsing the body for it). */
  storedKey?: string | null,
): Promise<string | null> {
  if (source === "app" && type === "user.deleted") return null;
  // No erasure anywhere (most deployments, most of the time): no lookup, no parse.
  if (!(await anyErasureExists(db))) return null;
  let body: Obj;
  try {
    body = asObj(JSON.parse(rawBody)) ?? {};
  } catch {
    return null;
  }
  const key = storedKey ?? customerKeyOf(source, type, rawBody);
  const hashes = [...new Set([...(key ? [keyHash(key)] : []), ...namedIn(source, body)])];
  const erasure = await erasureHoldingAny(db, hashes);
  if (!erasure) return null;
  const on = day(erasure.completedAt ?? erasure.requestedAt);
  return `The person was erased on ${on} (erasure ${erasure.id}); this event is kept but not processed.`;
}
