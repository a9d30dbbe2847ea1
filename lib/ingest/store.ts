// Store-once: the events row is the outbox; a duplicate delivery finds the existing row and stops.
import { randomUUID } from "node:crypto";
import type { Db } from "@/db";
import { type EventKey, type NewDelivery, existingEvents, insertNewEvents } from "@/db/queries/event-processing";
import type { Event, EventStatus } from "@/db/schema";
import { customerKeyOf } from "@/lib/pipeline/engine/registry";
import { noteEventsInserted } from "./events-stats";
import { TRACE_ATTR, traced } from "@/lib/telemetry/trace";

export type StoreInput = Omit<NewDelivery, "status" | "correlationId"> & {
  status?: EventStatus;
  correlationId?: string;
  /** How it reached us when not by its webhook (`backfill`); left out, the column's default (`webhook`). */
  arrivedVia?: EventArrival;
};

export type Stored = {
  id: string;
  duplicate: boolean;
  status: EventStatus;
  correlationId: string;
  /** The serialisation key stored with the row (null: none), for the enqueue: no second look at the payload. */
  customerKey: string | null;
};

type EventArrival = Event["arrivedVia"];

const keyOf = (e: EventKey) => `${e.source}\u0000${e.externalId}`;

/**
 * Stores one event, answering once its row is committed. Concurrent calls on one database are written
 * together (group commit: one multi-row insert, one round trip, one commit for the whole group): a call
 * goes out at once while fewer than `MAX_IN_FLIGHT` inserts are running, else it joins the next group.
 * Under light load nothing waits; under heavy load the per-row cost of the insert drops several-fold.
 */
export function storeEvent(db: Db, input: StoreInput): Promise<Stored> {
  const attrs = { [TRACE_ATTR.source]: input.source, [TRACE_ATTR.eventType]: input.type };
  return traced("ingest.store", attrs, async (span) => {
    let writer = writers.get(db);
    if (!writer) {
      writer = new GroupWriter(db);
      writers.set(db, writer);
    }
    const stored = await writer.store(input);
    span.setAttributes({
      [TRACE_ATTR.eventId]: stored.id,
      [TRACE_ATTR.correlationId]: stored.correlationId,
      "app.duplicate": stored.duplicate,
    });
    return stored;
  });
}

/** Stores a group of events in one insert; a delivery already stored (or repeated within the group) comes back as a duplicate. */
export async function storeEvents(db: Db, inputs: StoreInput[]): Promise<Stored[]> {
  const firstOf = new Map<string, number>();
  inputs.forEach((input, i) => {
    if (!firstOf.has(keyOf(input))) firstOf.set(keyOf(input), i);
  });
  const fresh = [...firstOf.values()].map((i) => inputs[i]!);
  const inserted = await insertNewEvents(
    db,
    fresh.map((input) => {
      const status = input.status ?? "received";
      return {
        ...input,
        status,
        correlationId: input.correlationId ?? newCorrelationId(),
        customerKey: keyFor(input, status),
      };
    }),
  );
  // A burst outruns autovacuum: keep the planner's picture of the table current (events-stats.ts).
  if (inserted.length) void noteEventsInserted(db, inserted.length);
  const found = new Map(
    inserted.map((row) => [
      keyOf(row),
      { id: row.id, status: row.status, correlationId: row.correlationId, customerKey: row.customerKey },
    ]),
  );
  const missing = fresh.filter((input) => !found.has(keyOf(input)));
  const existing = missing.length ? await existingEvents(db, missing) : [];
  const existed = new Map(
    existing.map((row) => [
      keyOf(row),
      { id: row.id, status: row.status, correlationId: row.correlationId, customerKey: row.customerKey },
    ]),
  );
  return inputs.map((input, i) => {
    const key = keyOf(input);
    const own = firstOf.get(key) === i ? found.get(key) : undefined;
    if (own) return { ...own, duplicate: false };
    const row = found.get(key) ?? existed.get(key);
    if (!row) throw new Error(`event ${input.source}/${input.externalId} was neither inserted nor found`);
    return { ...row, duplicate: true };
  });
}

/**
 * The serialisation key stored with a new row: the caller's (a route that parsed the body already), else the
 * handler's, read from the payload once here. Only events the pipeline will run (`received`) need one.
 */
function keyFor(input: StoreInput, status: EventStatus): string | null {
  if (input.customerKey !== undefined) return input.customerKey;
  return status === "received" ? customerKeyOf(input.source, input.type, input.rawBody) : null;
}

const newCorrelationId = () => `cor_${randomUUID().replace(/-/g, "").slice(0, 20)}`;

const MAX_IN_FLIGHT = 2;
const MAX_GROUP = 100;
type Waiting = { input: StoreInput; resolve: (s: Stored) => void; reject: (e: unknown) => void };
const writers = new WeakMap<Db, GroupWriter>();

/** How many group inserts a database has been sent, and how many events they carried (tests, diagnostics). */
export function groupWriterStats(db: Db): { groups: number; events: number } {
  const w = writers.get(db);
  return { groups: w?.groups ?? 0, events: w?.events ?? 0 };
}

class GroupWriter {
  private queue: Waiting[] = [];
  private inFlight = 0;
  groups = 0;
  events = 0;
  constructor(private readonly db: Db) {}

  store(input: StoreInput): Promise<Stored> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length) {
      const group = this.queue.splice(0, MAX_GROUP);
      this.inFlight++;
      void this.write(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async write(group: Waiting[]) {
    this.groups++;
    this.events += group.length;
    try {
      const stored = await storeEvents(
        this.db,
        group.map((w) => w.input),
      );
      group.forEach((w, i) => {
        w.resolve(stored[i]!);
      });
    } catch (err) {
      if (group.length === 1) return group[0]!.reject(err);
      // One bad row must not fail its neighbours: write each on its own and answer each for itself.
      await Promise.all(group.map((w) => storeEvents(this.db, [w.input]).then(([s]) => w.resolve(s!), w.reject)));
    }
  }
}
