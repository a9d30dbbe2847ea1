// Slows down password guessing (rate-limiter-flexible): per email+address (5 failures in 15 minutes), per
// address (30), and per email whatever the address (20: guesses spread over many addresses still stop), plus
// a cap on password checks running at once, so a burst of guesses cannot take the CPU (each bcrypt check
// costs ~180 ms) from everyone else. With PostgreSQL the failures are counted in the database, so guesses
// spread over instances add up (./shared-limiter.ts: exact counts, in-memory insurance); with PGlite, memory.
import pLimit from "p-limit";
import { RateLimiterRes } from "rate-limiter-flexible";
import { type Db, getDbHandle } from "@/db";
import { type Limiter, limiterFor } from "./shared-limiter";

const WINDOW = 15 * 60;
const specs = [
  { keyPrefix: "signin-account-address", points: 5, key: (e: string, a: string) => `${e}|${a}` },
  { keyPrefix: "signin-address", points: 30, key: (_e: string, a: string) => a },
  { keyPrefix: "signin-account", points: 20, key: (e: string) => e },
];

let built: { db: Db | undefined; limiters: Limiter[] } | undefined;

/** The three limiters for the current database (rebuilt if it changed: tests swap it). */
async function limits(): Promise<Array<{ limiter: Limiter; points: number; key: (e: string, a: string) => string }>> {
  // A database that cannot open must not stop sign-in's own refusal: memory then.
  const handle = await getDbHandle().catch(() => undefined);
  if (!built || built.db !== handle?.db)
    built = {
      db: handle?.db,
      limiters: specs.map(({ keyPrefix, points }) =>
        limiterFor(handle, { keyPrefix, points, duration: WINDOW }, "store"),
      ),
    };
  const limiters = built.limiters;
  return specs.map((s, i) => ({ limiter: limiters[i]!, points: s.points, key: s.key }));
}

export type LimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts one failed attempt; answers whether further attempts are still allowed. */
export async function recordFailedSignIn(email: string, address: string): Promise<LimitResult> {
  const all = await limits();
  try {
    await Promise.all(all.map((l) => l.limiter.consume(l.key(email, address))));
    return { allowed: true };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.ceil(err.msBeforeNext / 1000) };
    throw err;
  }
}

/** Whether this email from this address may try now (without counting an attempt). */
export async function checkSignIn(email: string, address: string): Promise<LimitResult> {
  const all = await limits();
  const states = await Promise.all(all.map((l) => l.limiter.get(l.key(email, address))));
  const blocked = states.find((s, i) => s && s.consumedPoints >= all[i]!.points);
  return blocked ? { allowed: false, retryAfterSeconds: Math.ceil(blocked.msBeforeNext / 1000) } : { allowed: true };
}

/** After a successful sign-in: that email's failures from that address are forgotten. */
export async function clearSignInFailures(email: string, address: string): Promise<void> {
  const [accountAddress] = await limits();
  await accountAddress!.limiter.delete(accountAddress!.key(email, address));
}

/** At most two password checks run at once; a few more may wait their turn. */
const checks = pLimit(2);
const MAX_WAITING = 8;

export class SignInBusyError extends Error {}

/** Runs a password check within the cap, or refuses at once (SignInBusyError) when too many wait already. */
export function withPasswordCheckSlot<T>(check: () => Promise<T>): Promise<T> {
  if (checks.pendingCount >= MAX_WAITING) return Promise.reject(new SignInBusyError("Too many sign-ins at once."));
  return checks(check);
}
