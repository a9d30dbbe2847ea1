// The caller's address, for the rate limits and the sign-in limiter. Never read from a header the client
// writes: `npm start` (server.ts) takes the socket peer and, with TRUSTED_PROXY_HOPS=N, walks N hops back
// along X-Forwarded-For (each trusted proxy appends the address it saw), then hands the result to the
// route handlers in a header only this process can write (stamped with a per-process nonce; any value a
// client sends is overwritten). Without server.ts (next dev, in-process tests) there is no socket: with
// no trusted proxy, every caller shares one bucket rather than trusting a header.
import { randomBytes } from "node:crypto";
import { env } from "@/lib/env";

export const CLIENT_ADDRESS_HEADER = "x-ops-client-address";
const UNKNOWN = "unknown";

const globalForAddress = globalThis as unknown as { __opsClientAddressNonce?: string };
/** Shared by server.ts and the route handlers Next loads in the same process. */
function nonce(): string {
  globalForAddress.__opsClientAddressNonce ??= randomBytes(16).toString("hex");
  return globalForAddress.__opsClientAddressNonce;
}

/** `::ffff:203.0.113.7` → `203.0.113.7`; trims spaces and an optional IPv6 zone's brackets. */
function normalise(address: string): string {
  const a = address.trim().replace(/^\[|\]$/g, "");
  return a.startsWith("::ffff:") && a.includes(".") ? a.slice(7) : a;
}

/**
 * The client of a request that reached us from `peer` with `forwardedFor`, trusting `hops` proxies: the
 * chain is X-Forwarded-For's entries followed by the peer; the client is the entry `hops` places before the
 * end. A chain shorter than that (a proxy that sets no header) gives its first entry. Without a peer (no
 * socket), the chain is X-Forwarded-For alone and the last trusted proxy's entry is its last one.
 */
export function resolveClientAddress(
  peer: string | undefined,
  forwardedFor: string | null | undefined,
  hops: number,
): string {
  const chain = hops > 0 ? (forwardedFor ?? "").split(",").map(normalise).filter(Boolean) : [];
  if (peer) chain.push(normalise(peer));
  if (!chain.length) return UNKNOWN;
  const back = peer ? hops : hops - 1;
  return chain[Math.max(0, chain.length - 1 - back)] ?? UNKNOWN;
}

/** server.ts: the header value for this request's client (overwrites whatever the client sent). */
export function stampClientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined): string {
  const xff = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor;
  return `${nonce()} ${resolveClientAddress(peer, xff, env.TRUSTED_PROXY_HOPS)}`;
}

/** The caller's address: as server.ts stamped it, else (no socket seen) per TRUSTED_PROXY_HOPS alone. */
export function clientAddress(headers: Headers): string {
  const stamped = headers.get(CLIENT_ADDRESS_HEADER);
  if (stamped) {
    const [stamp, address] = stamped.split(" ");
    if (stamp === nonce() && address) return address;
  }
  return resolveClientAddress(undefined, headers.get("x-forwarded-for"), env.TRUSTED_PROXY_HOPS);
}
