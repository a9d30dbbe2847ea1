// Build the app when the sources changed since the last build, and run `next start` as a child process.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const SOURCE_DIRS = ["app", "components", "lib", "db", "inngest"];
const SOURCE_FILES = [
  "server.ts",
  "next.config.ts",
  "proxy.ts",
  "instrumentation.ts",
  "package-lock.json",
  "postcss.config.mjs",
];

function newestMtime(entry: string): number {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

export const distDir = () => process.env.NEXT_DIST_DIR || ".next";

export function buildIsCurrent(): boolean {
  const buildId = path.join(distDir(), "BUILD_ID");
  if (!fs.existsSync(buildId)) return false;
  const built = fs.statSync(buildId).mtimeMs;
  return [...SOURCE_DIRS, ...SOURCE_FILES].every((entry) => newestMtime(entry) <= built);
}

export function ensureBuild(env: NodeJS.ProcessEnv = process.env): void {
  if (buildIsCurrent()) return;
  console.log("Building the console (next build)…");
  const result = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
}

/** The production server command (`npm start` runs the same): server.ts, Next behind a webhook fast path. */
export const SERVER_COMMAND = ["--import", "tsx", "server.ts"];

/** Starts server.ts on `hostname` (loopback unless a caller says otherwise: the tests and the demo run on the
 *  published demo secrets, which must not be reachable from the network). */
export function startNext(port: number, env: NodeJS.ProcessEnv, quiet = false, hostname = "127.0.0.1"): ChildProcess {
  return spawn(process.execPath, [...SERVER_COMMAND, "-p", String(port), "-H", hostname], {
    stdio: quiet ? ["ignore", "ignore", "inherit"] : ["ignore", "inherit", "inherit"],
    env: { ...env, NODE_ENV: "production", AUTH_TRUST_HOST: "true", NEXT_TELEMETRY_DISABLED: "1" },
  });
}

export async function waitForHttp(url: string, timeoutMs = 60_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`the server exited (code ${child.exitCode}) before answering ${url}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${url}`);
}
