// Slows down password guessing (rate-limiter-flexible, in memory): per email+address (5 failures in 15
// minutes), per address (30), and per email whatever the address (20: guesses spread over many addresses
// still stop), plus a cap on password checks running at once, so a burst of guesses cannot take the CPU
// (each bcrypt check costs ~180 ms) from everyone else.
import pLimit from "p-limit";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

const WINDOW = 15 * 60;
const limits = [
  {
    limiter: new RateLimiterMemory({ keyPrefix: "signin-account-address", points: 5, duration: WINDOW }),
    key: (e: string, a: string) => `${e}|${a}`,
  },
  {
    limiter: new RateLimiterMemory({ keyPrefix: "signin-address", points: 30, duration: WINDOW }),
    key: (_e: string, a: string) => a,
  },
  {
    limiter: new RateLimiterMemory({ keyPrefix: "signin-account", points: 20, duration: WINDOW }),
    key: (e: string) => e,
  },
];

export type LimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts one failed attempt; answers whether further attempts are still allowed. */
export async function recordFailedSignIn(email: string, address: string): Promise<LimitResult> {
  try {
    await Promise.all(limits.map((l) => l.limiter.consume(l.key(email, address))));
    return { allowed: true };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.ceil(err.msBeforeNext / 1000) };
    throw err;
  }
}

/** Whether this email from this address may try now (without counting an attempt). */
export async function checkSignIn(email: string, address: string): Promise<LimitResult> {
  const states = await Promise.all(limits.map((l) => l.limiter.get(l.key(email, address))));
  const blocked = states.find((s, i) => s && s.consumedPoints >= limits[i]!.limiter.points);
  return blocked ? { allowed: false, retryAfterSeconds: Math.ceil(blocked.msBeforeNext / 1000) } : { allowed: true };
}

/** After a successful sign-in: that email's failures from that address are forgotten. */
export async function clearSignInFailures(email: string, address: string): Promise<void> {
  await limits[0]!.limiter.delete(`${email}|${address}`);
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
