// Idempotency-Key stores: a key remembers the request fingerprint and the response it produced.
import type { SandboxResponse } from "./http";

type Entry = { fingerprint: string; response: SandboxResponse; storedAt: number };

export type IdempotencyLookup = { kind: "miss" } | { kind: "hit"; response: SandboxResponse } | { kind: "mismatch" };

export class IdempotencyStore {
  private entries = new Map<string, Entry>();

  constructor(public ttlMs: number) {}

  lookup(key: string, fingerprint: string): IdempotencyLookup {
    const entry = this.entries.get(key);
    if (!entry) return { kind: "miss" };
    if (Date.now() - entry.storedAt > this.ttlMs) {
      this.entries.delete(key);
      return { kind: "miss" };
    }
    if (entry.fingerprint !== fingerprint) return { kind: "mismatch" };
    return { kind: "hit", response: entry.response };
  }

  store(key: string, fingerprint: string, response: SandboxResponse): void {
    this.entries.set(key, { fingerprint, response, storedAt: Date.now() });
  }

  size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
