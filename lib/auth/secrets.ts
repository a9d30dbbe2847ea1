// Constant-time comparison of secrets, with no server-only marker: the node:http fast path in server.ts loads
// the routes that use it outside Next's bundle.
import { createHash, timingSafeEqual } from "node:crypto";

/** Constant-time comparison of two secrets of any length. */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
