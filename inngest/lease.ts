// How long an Inngest run may leave its event `processing` before the sweeper presumes it lost. Unlike the
// inline driver, an Inngest run has no heartbeat while it waits between a step's retries (Inngest's own
// backoff, or a long Retry-After), so the lease is never shorter than 10 minutes, whatever
// JOBS_STALE_AFTER_SECONDS (sized for the inline driver's heartbeat) says.
import { env } from "@/lib/env";

export const INNGEST_MIN_LEASE_SECONDS = 600;

export function inngestLeaseMs(): number {
  return Math.max(env.JOBS_STALE_AFTER_SECONDS, INNGEST_MIN_LEASE_SECONDS) * 1000;
}
