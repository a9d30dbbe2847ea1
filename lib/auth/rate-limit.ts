// Per-source throttles for the public endpoints (rate-limiter-flexible). A flood from one address gets 429
// with Retry-After while other senders are served as usual. The address is the socket peer, or with
// TRUSTED_PROXY_HOPS the client the trusted proxies saw (./client-address.ts). With PostgreSQL the counts are
// shared by every instance (./shared-limiter.ts): the busy limits (webhooks, health, the app API) count in
// memory and sync in batches, the failed admin authentications are counted in the database each time.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { type DbHandle, getDbHandle } from "@/db";
import { rateLimits } from "@/db/schema/operations";
import { env } from "../env";
import { clientAddress } from "./client-address";
import { type Limiter, limiterFor } from "./shared-limiter";

type Bucket = "webhook" | "health" | "admin-auth-failure" | "app-api";

/** Failed admin-API authentications per source per 5 minutes before even the right token waits. */
const ADMIN_AUTH_FAILURES = 30;

const limiters = new Map<Bucket, { db: DbHandle["db"] | undefined; limiter: Limiter }>();

function spec(bucket: Bucket) {
  const points =
    bucket === "webhook"
      ? env.WEBHOOK_RATE_LIMIT_PER_MINUTE
      : bucket === "health"
        ? 600
        : bucket === "app-api"
          ? APP_API_PER_MINUTE
          : ADMIN_AUTH_FAILURES;
  return { keyPrefix: bucket, points, duration: bucket === "admin-auth-failure" ? 300 : 60 };
}

/** The bucket's limiter for the current database (rebuilt if the database changed: tests swap it). */
async function limiter(bucket: Bucket): Promise<Limiter> {
  // A database that cannot open must not take the limits down with it (/api/health reports it): memory then.
  const handle = await getDbHandle().catch(() => undefined);
  const held = limiters.get(bucket);
  if (held && held.db === handle?.db) return held.limiter;
  const created = limiterFor(handle, spec(bucket), bucket === "admin-auth-failure" ? "store" : "synced");
  limiters.set(bucket, { db: handle?.db, limiter: created });
  return created;
}

/** Reads of the app API per token per minute (shared by every instance). */
export const APP_API_PER_MINUTE = 1200;

/** Counts a request; answers a 429 response when the source (or `key`, e.g. a token's hash) is over its limit. */
export async function throttle(bucket: Bucket, req: Request, key?: string): Promise<Response | null> {
  try {
    await (await limiter(bucket)).consume(key ?? clientAddress(req.headers));
    return null;
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    return Response.json(
      { error: `Too many requests from ${key ? "this token" : "this address"}: retry in ${seconds} s.` },
      { status: 429, headers: { "retry-after": String(seconds) } },
    );
  }
}

/** Whether this source already used up its failed admin-auth attempts (checked before the token). */
export async function adminAuthBlocked(req: Request): Promise<Response | null> {
  const state = await (await limiter("admin-auth-failure")).get(clientAddress(req.headers));
  if (!state || state.consumedPoints < ADMIN_AUTH_FAILURES) return null;
  const seconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return Response.json(
    { error: `Too many failed authentications from this address: retry in ${seconds} s.` },
    { status: 429, headers: { "retry-after": String(seconds) } },
  );
}

export async function recordAdminAuthFailure(req: Request): Promise<void> {
  // Past the limit the consume rejects: that is the point, not an error.
  await (await limiter("admin-auth-failure")).consume(clientAddress(req.headers)).catch(() => {});
}

/** Tests: start from empty buckets (with PostgreSQL, the shared rows too; a closed database is skipped). */
export async function resetRateLimits(): Promise<void> {
  const shared = new Set(
    [...limiters.values()].filter((l) => !(l.limiter instanceof RateLimiterMemory)).map((l) => l.db),
  );
  limiters.clear();
  for (const db of shared) await db?.delete(rateLimits).catch(() => {});
}
