// Sandbox state on disk (startSandbox's stateFile): one versioned JSON file, restored at start and
// rewritten (temp file + rename, so a kill mid-write leaves the previous file) after changes and on close.
import fs from "node:fs";
import path from "node:path";
import type { IdempotencyStore } from "./idempotency";
import { isRecord } from "./util";

/** Bump when a service's dump changes shape: an older file is then ignored (with a warning), not misread. */
export const STATE_FILE_VERSION = 1;

export type ServiceStates = { stripe: unknown; hubspot: unknown; zendesk: unknown; intercom?: unknown; app?: unknown };

/** Thrown by a service's restore() when the saved state is not what it wrote. */
export class StateError extends Error {}

/** Reads a state file: undefined when there is none; throws StateError when it is unreadable or not ours. */
export function readStateFile(file: string): ServiceStates | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StateError(`cannot read it (${error instanceof Error ? error.message : String(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StateError(`it is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(parsed) || typeof parsed.version !== "number")
    throw new StateError("it has no format version: not a sandbox state file");
  if (parsed.version !== STATE_FILE_VERSION)
    throw new StateError(`it is format version ${parsed.version}, this sandbox reads version ${STATE_FILE_VERSION}`);
  return {
    stripe: parsed.stripe,
    hubspot: parsed.hubspot,
    zendesk: parsed.zendesk,
    intercom: parsed.intercom,
    app: parsed.app,
  };
}

/** Writes the file atomically: a temp file beside it (owner-only, synced), then rename over the old one. */
export async function writeStateFile(file: string, states: ServiceStates): Promise<void> {
  const body = JSON.stringify({ version: STATE_FILE_VERSION, savedAt: new Date().toISOString(), ...states });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await fs.promises.open(temp, "w", 0o600);
  try {
    await handle.writeFile(body, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temp, file);
}

/**
 * Saves `collect()` to `file` once `delayMs` after the first `schedule()` of a burst, one write at a
 * time; `close()` cancels the wait and writes the last state. A failed write is reported once, never thrown.
 */
export function createStateSaver(
  file: string,
  collect: () => ServiceStates,
  warn: (line: string) => void,
  delayMs = 250,
) {
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<void> = Promise.resolve();
  let failing = false;

  const save = (): Promise<void> => {
    timer = undefined;
    // Chained, so writes never overlap; collect() runs when the write starts, so it sees the latest state.
    queue = queue.then(async () => {
      try {
        await writeStateFile(file, collect());
        failing = false;
      } catch (error) {
        if (!failing)
          warn(`[sandbox] could not save state to ${file}: ${error instanceof Error ? error.message : error}`);
        failing = true;
      }
    });
    return queue;
  };

  return {
    schedule(): void {
      timer ??= setTimeout(save, delayMs);
    },
    close(): Promise<void> {
      if (timer) clearTimeout(timer);
      return save();
    },
  };
}

/** Removes temp files a killed process left beside `file` (a finished write renames its own). */
export function removeStaleTempFiles(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix) && /^\d+\.tmp$/.test(name.slice(prefix.length))) {
      try {
        fs.rmSync(path.join(dir, name), { force: true });
      } catch {
        // left for the next start; it is never read
      }
    }
  }
}

// --- helpers for the services' dump()/restore() ---

/** The object at `value`, or a StateError naming `what`. */
export function record(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new StateError(`${what} is not an object`);
  return value;
}

/** The array at `value` whose items are all objects, or a StateError naming `what`. */
export function records<T = Record<string, unknown>>(value: unknown, what: string): T[] {
  if (!Array.isArray(value) || !value.every(isRecord)) throw new StateError(`${what} is not a list of objects`);
  return value as T[];
}

/** A counter to continue from: the saved one, but never at or below an id already in use. */
export function nextCounter(saved: unknown, usedIds: Iterable<number>, floor: number): number {
  let next = typeof saved === "number" && Number.isSafeInteger(saved) ? Math.max(saved, floor) : floor;
  for (const id of usedIds) if (Number.isSafeInteger(id) && id >= next) next = id + 1;
  return next;
}

type IdempotencyEntry = { fingerprint: string; response: unknown; storedAt: number };

/** IdempotencyStore keeps its entries private; its saved keys are part of the service's state all the same. */
const entriesOf = (store: IdempotencyStore) =>
  (store as unknown as { entries?: unknown }).entries instanceof Map
    ? (store as unknown as { entries: Map<string, IdempotencyEntry> }).entries
    : undefined;

export function dumpIdempotency(store: IdempotencyStore): [string, IdempotencyEntry][] {
  return [...(entriesOf(store)?.entries() ?? [])];
}

export function restoreIdempotency(store: IdempotencyStore, saved: unknown): void {
  const entries = entriesOf(store);
  if (!entries) return;
  if (saved !== undefined && !Array.isArray(saved)) throw new StateError("idempotency keys are not a list");
  const list = (saved ?? []) as unknown[];
  for (const item of list) {
    if (!Array.isArray(item) || typeof item[0] !== "string" || !isRecord(item[1]))
      throw new StateError("an idempotency key entry is malformed");
    const entry = item[1];
    if (typeof entry.fingerprint !== "string" || !isRecord(entry.response) || typeof entry.storedAt !== "number")
      throw new StateError(`idempotency key ${item[0]} is malformed`);
  }
  store.clear();
  for (const [key, entry] of list as [string, IdempotencyEntry][]) entries.set(key, entry);
}
