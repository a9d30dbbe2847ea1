// Slows down password guessing: per email+IP and per IP, in memory (rate-limiter-flexible).
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

const perAccount = new RateLimiterMemory({ keyPrefix: "signin-account", points: 5, duration: 15 * 60 });
const perIp = new RateLimiterMemory({ keyPrefix: "signin-ip", points: 30, duration: 15 * 60 });

export type LimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts one failed attempt; answers whether further attempts are still allowed. */
export async function recordFailedSignIn(email: string, ip: string): Promise<LimitResult> {
  try {
    await Promise.all([perAccount.consume(`${email}|${ip}`), perIp.consume(ip)]);
    return { allowed: true };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.ceil(err.msBeforeNext / 1000) };
    throw err;
  }
}

/** Whether this email+IP may try now (without counting an attempt). */
export async function checkSignIn(email: string, ip: string): Promise<LimitResult> {
  const [account, address] = await Promise.all([perAccount.get(`${email}|${ip}`), perIp.get(ip)]);
  const blocked = [account, address].find((r, i) => r && r.consumedPoints >= (i === 0 ? 5 : 30));
  return blocked ? { allowed: false, retryAfterSeconds: Math.ceil(blocked.msBeforeNext / 1000) } : { allowed: true };
}

export async function clearSignInFailures(email: string, ip: string): Promise<void> {
  await perAccount.delete(`${email}|${ip}`);
}
