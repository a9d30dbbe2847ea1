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

/** `npm run build`: next build, then the standalone folder made deployable (scripts/build-standalone.ts). */
export function ensureBuild(env: NodeJS.ProcessEnv = process.env): void {
  if (buildIsCurrent()) {
    // A build made before the server was compiled beside it (scripts/serve.mjs runs that file).
    if (!fs.existsSync(path.join(distDir(), "ops-server.mjs"))) {
      const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-standalone.ts", "--server-only"], {
        stdio: ["ignore", "inherit", "inherit"],
        env,
      });
      if (result.status !== 0) throw new Error(`compiling server.ts failed (exit ${result.status})`);
    }
    return;
  }
  console.log("Building the console (next build)…");
  const buildEnv: NodeJS.ProcessEnv = { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
  const steps = [
    ["node_modules/next/dist/bin/next", "build"],
    ["--import", "tsx", "scripts/build-standalone.ts"],
  ];
  for (const step of steps) {
    const result = spawnSync(process.execPath, step, { stdio: ["ignore", "inherit", "inherit"], env: buildEnv });
    if (result.status !== 0) throw new Error(`${step.at(-1)} failed (exit ${result.status})`);
  }
}

/**
 * The V8 old-space cap of the production server, in MiB (package.json's `start` says the same). Without it V8
 * sizes the heap from the machine's memory and lets garbage pile up: on this 24 GiB box the ingest benchmark's
 * server grew to ~350 MiB of which ~190 was collectable; capped, it stays ~170 MiB at the same throughput and
 * fits a 512 MB instance. A bigger instance raises it (`node --max-old-space-size=512 scripts/serve.mjs`).
 */
export const SERVER_HEAP_MB = 192;

/** The production server command (`npm start` runs the same): server.ts compiled (no tsx at run time), Next
 *  behind a webhook fast path; it serves the build in NEXT_DIST_DIR and loads none of the app's sources. */
export const SERVER_COMMAND = [`--max-old-space-size=${SERVER_HEAP_MB}`, "scripts/serve.mjs"];

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
