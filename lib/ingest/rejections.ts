// Records every refused webhook delivery in `rejected_deliveries`, without slowing or breaking the answer:
// when, route, reason code, status, client address, size, sha256 of the body and the event id the body names
// (never the body of an unverified request, never a header). Writes are bounded: per process, the first
// ROWS_PER_MINUTE refusals of a route+reason in a minute get a row each; the rest (and every rate-limited
// refusal, which must cost almost nothing) are counted in memory and added to one aggregate row per
// route+reason+minute, flushed about once a second. A failed write is logged, never thrown.
import { createHash } from "node:crypto";
import { after } from "next/server";
import { getDb } from "@/db";
import {
  addToRejectionAggregate,
  insertRejectedDelivery,
  type RejectionAggregate,
} from "@/db/queries/rejected-deliveries";
import { clientAddress } from "@/lib/auth/client-address";
import { log } from "@/lib/log";
import type { RejectionReason } from "./rejection-reasons";
import { jsonError } from "./respond";

/** Individual rows per route+reason per minute (per process) before refusals are only counted. */
export const ROWS_PER_MINUTE = 20;
/** How long aggregate counts wait in memory before one upsert per key. */
export const AGGREGATE_FLUSH_MS = 1_000;
const MAX_EVENT_ID_LENGTH = 200;

export type Rejection = {
  route: string;
  reason: RejectionReason;
  status: number;
  /** The raw body as read (hashed and probed for an id, never stored); absent when it was not read. */
  body?: string;
  /** The size when the body was not read (a declared Content-Length). */
  sizeBytes?: number | null;
};

const state = {
  minute: -1,
  perKey: new Map<string, number>(),
  pending: new Map<string, RejectionAggregate>(),
  timer: undefined as ReturnType<typeof setTimeout> | undefined,
  inflight: new Set<Promise<void>>(),
};

const minuteOf = (ms: number) => Math.floor(ms / 60_000);
const minuteStamp = (minute: number) => new Date(minute * 60_000).toISOString().slice(0, 16);

function track(work: () => Promise<void>): Promise<void> {
  const p = work().catch((err: unknown) => log.error("webhook.rejection_not_recorded", { error: err }));
  state.inflight.add(p);
  void p.finally(() => state.inflight.delete(p));
  return p;
}

/** After the response when inside a request (Next's after()), else on the next turn. */
function afterResponse(work: () => Promise<void>): void {
  try {
    after(() => track(work));
  } catch {
    void track(work);
  }
}

function declaredSize(req: Request): number | null {
  const n = Number(req.headers.get("content-length"));
  return req.headers.has("content-length") && Number.isInteger(n) && n >= 0 ? n : null;
}

/** The `id` an unverified body names, if it is a JSON object with a short string id: a hint, not a fact. */
export function probeEventId(body: string): string | null {
  if (body.trimStart()[0] !== "{") return null;
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    if (typeof id !== "string" && typeof id !== "number") return null;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips control characters from sender text
    const clean = String(id).replace(/[\u0000-\u001f\u007f]/g, "");
    return clean ? clean.slice(0, MAX_EVENT_ID_LENGTH) : null;
  } catch {
    return null;
  }
}

function flushAggregates(): void {
  if (state.timer) clearTimeout(state.timer);
  state.timer = undefined;
  if (!state.pending.size) return;
  const batch = [...state.pending.values()];
  state.pending.clear();
  void track(async () => {
    const db = await getDb();
    for (const a of batch) await addToRejectionAggregate(db, a);
  });
}

function aggregate(r: Rejection, address: string, minute: number, now: Date): void {
  const key = `${r.route}:${r.reason}:${minuteStamp(minute)}`;
  const a = state.pending.get(key);
  if (a) {
    a.count += 1;
    a.lastAt = now;
    if (a.clientAddress !== address) a.clientAddress = null;
  } else {
    state.pending.set(key, {
      aggregateKey: key,
      route: r.route,
      reason: r.reason,
      status: r.status,
      clientAddress: address,
      count: 1,
      firstAt: now,
      lastAt: now,
    });
  }
  if (!state.timer) {
    state.timer = setTimeout(flushAggregates, AGGREGATE_FLUSH_MS);
    state.timer.unref?.();
  }
}

/** Records one refusal (never throws, never waits for the database). */
export function recordRejection(req: Request, r: Rejection, now = new Date()): void {
  try {
    const minute = minuteOf(now.getTime());
    if (minute !== state.minute) {
      state.minute = minute;
      state.perKey.clear();
    }
    const address = clientAddress(req.headers);
    const key = `${r.route}:${r.reason}`;
    const seen = state.perKey.get(key) ?? 0;
    if (r.reason === "rate_limited" || seen >= ROWS_PER_MINUTE) {
      aggregate(r, address, minute, now);
      return;
    }
    state.perKey.set(key, seen + 1);
    const { body } = r;
    const size = body === undefined ? (r.sizeBytes ?? declaredSize(req)) : Buffer.byteLength(body, "utf8");
    afterResponse(async () => {
      await insertRejectedDelivery(await getDb(), {
        route: r.route,
        reason: r.reason,
        status: r.status,
        clientAddress: address,
        sizeBytes: size,
        bodySha256: body === undefined ? null : createHash("sha256").update(body, "utf8").digest("hex"),
        sourceEventId: body === undefined ? null : probeEventId(body),
        firstAt: now,
        lastAt: now,
      });
    });
  } catch (err) {
    log.error("webhook.rejection_not_recorded", { route: r.route, reason: r.reason, error: err });
  }
}

/** Records the refusal and answers it: `{ error, code }` with the status. */
export function refuse(req: Request, r: Rejection, message: string): Response {
  recordRejection(req, r);
  return jsonError(r.status, message, { code: r.reason });
}

/** Tests and shutdown: writes every pending count and waits for the writes in flight. */
export async function flushRejections(): Promise<void> {
  flushAggregates();
  while (state.inflight.size) await Promise.allSettled([...state.inflight]);
}

/** Tests: forget the per-minute counts (pending aggregates are dropped). */
export function resetRejectionCounters(): void {
  if (state.timer) clearTimeout(state.timer);
  state.timer = undefined;
  state.minute = -1;
  state.perKey.clear();
  state.pending.clear();
}
