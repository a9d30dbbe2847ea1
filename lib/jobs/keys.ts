// Serialisation keys: one customer's events run one at a time. A handler names its event's raw key (`app:<user
// id>`, `stripe:<customer id>`); once that id is linked to a customer, the key is the customer's own, so the
// customer's app events and Stripe events share one key and the CRM projection is never written from a stale
// read.
import type { Db } from "@/db";
import type { SchedulableEvent } from "@/db/queries/event-processing";
import { customerIdsByExternalIds } from "@/db/queries/identities";
import { customerKeyOf } from "@/lib/pipeline/engine/registry";

type Keyed = Pick<SchedulableEvent, "id" | "source" | "type" | "rawBody">;

/** The serialisation key of each event (by event id); null when the event names nobody. */
export async function serialisationKeys(db: Db, events: Keyed[]): Promise<Map<string, string | null>> {
  const raw = new Map(events.map((e) => [e.id, customerKeyOf(e.source, e.type, e.rawBody)]));
  const idsOf = (prefix: "app:" | "stripe:") => [
    ...new Set([...raw.values()].filter((k) => k?.startsWith(prefix)).map((k) => k!.slice(prefix.length))),
  ];
  const [app, stripe] = await Promise.all([
    customerIdsByExternalIds(db, "app", idsOf("app:")),
    customerIdsByExternalIds(db, "stripe", idsOf("stripe:")),
  ]);
  const linked = (key: string | null) => {
    if (!key) return null;
    const customerId = key.startsWith("app:")
      ? app.get(key.slice(4))
      : key.startsWith("stripe:")
        ? stripe.get(key.slice(7))
        : undefined;
    return customerId ? `customer:${customerId}` : key;
  };
  return new Map([...raw].map(([id, key]) => [id, linked(key)]));
}

export async function serialisationKey(db: Db, event: Keyed): Promise<string | null> {
  return (await serialisationKeys(db, [event])).get(event.id) ?? null;
}

type Chained = Pick<SchedulableEvent, "id" | "source" | "type" | "rawBody" | "customerKey">;

/**
 * The keys the inline runner chains events by in this process: the key stored with the row at ingest (a row
 * without one, from before it was stored, has it made from its payload). Not linked to the customer: the
 * claim already keeps an app user's and its Stripe customer's events in order, in one statement
 * (db/queries/event-processing.ts), so the chain needs no lookup; it only spares claims that would wait.
 */
export function chainKeys(events: Chained[]): Map<string, string | null> {
  return new Map(events.map((e) => [e.id, e.customerKey ?? customerKeyOf(e.source, e.type, e.rawBody)]));
}
