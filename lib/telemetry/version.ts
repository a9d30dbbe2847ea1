// What is running and since when, for /api/health and the traces' service.version: an uptime monitor or a
// collector can then tell a restart or a deploy from a blip.
import { readFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

export type BuildInfo = {
  /** APP_VERSION when the deploy sets it (e.g. 1.4.0+3f2a9c1), else package.json's version. */
  version: string;
  /** The git commit checked out where the app runs (short), when there is a .git folder to read; else null. */
  commit: string | null;
  /** When this process started (ISO 8601). */
  startedAt: string;
};

let cached: BuildInfo | undefined;

/** Read once: the files do not change under a running process. */
export function buildInfo(root = process.cwd()): BuildInfo {
  if (cached && root === process.cwd()) return cached;
  const info: BuildInfo = {
    version: env.APP_VERSION ?? packageVersion(root),
    commit: gitCommit(root),
    // Process start, not module load: the same in every bundle that imports this module.
    startedAt: new Date(Math.round(Date.now() - process.uptime() * 1000)).toISOString(),
  };
  if (root === process.cwd()) cached = info;
  return info;
}

function packageVersion(root: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

/** HEAD's commit from .git (a detached HEAD, a loose ref or packed-refs), without running git. */
export function gitCommit(root: string): string | null {
  try {
    const gitDir = path.join(root, ".git");
    const head = readFileSync(path.join(gitDir, "HEAD"), "utf8").trim();
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return /^[0-9a-f]{40}$/.test(head) ? head.slice(0, 12) : null;
    let sha: string | undefined;
    try {
      sha = readFileSync(path.join(gitDir, ref), "utf8").trim();
    } catch {
      const packed = readFileSync(path.join(gitDir, "packed-refs"), "utf8");
      sha = packed
        .split("\n")
        .find((line) => line.endsWith(` ${ref}`))
        ?.split(" ")[0];
    }
    return sha && /^[0-9a-f]{40}$/.test(sha) ? sha.slice(0, 12) : null;
  } catch {
    return null;
  }
}
