// `npm start` refuses to start a production server on a bad configuration, naming what is wrong; on the
// published demo secrets (DEMO_MODE=1) it answers on loopback only, unless told otherwise, and names them.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_DEFAULTS } from "@/lib/env";
import { PRODUCTION_ENV as PRODUCTION } from "@/test/production-env";
import { distDir, ensureBuild } from "./lib/next-server";

function start(env: Record<string, string | undefined>) {
  const clean = Object.fromEntries(
    Object.entries({ PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", ...env }).filter(
      ([, v]) => v !== undefined,
    ),
  ) as NodeJS.ProcessEnv;
  return spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/start.ts", "--port", "0"], {
    env: clean,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("npm start", () => {
  it("exits non-zero naming AUTH_SECRET when it is missing in production", () => {
    const r = start({ ...PRODUCTION, AUTH_SECRET: undefined });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("AUTH_SECRET is required when NODE_ENV=production");
  });

  it("exits non-zero naming the unreachable database, without its password, instead of serving 500s", () => {
    const r = start({ ...PRODUCTION, DATABASE_URL: "postgres://ops:hunter2-secret@127.0.0.1:1/ops" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Cannot reach PostgreSQL at 127.0.0.1:1/ops (ECONNREFUSED)");
    expect(r.stderr + r.stdout).not.toContain("hunter2-secret");
  });

  it("names a test-mode Stripe key and the demo password in production", () => {
    const r = start({ ...PRODUCTION, STRIPE_SECRET_KEY: "sk_test_1", ADMIN_PASSWORD: "demo-password" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("STRIPE_SECRET_KEY is a test-mode key");
    expect(r.stderr).toContain("ADMIN_PASSWORD is the demo password");
  });
});

/** This machine's addresses other than loopback (link-local IPv6 needs a scope id: left out). */
function networkAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => Boolean(a && !a.internal && !a.address.startsWith("fe80:")))
    .map((a) => a.address);
}

/** What a TCP connection to host:port meets: "open" or the error code (ECONNREFUSED when nothing listens). */
function connect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve("open");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("ETIMEDOUT");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** The server's stderr once it holds `text` (the warning and the "listening" line come on separate streams), or after 5 s. */
async function stderrWith(s: { stderr: () => string }, text: string): Promise<string> {
  for (let waited = 0; waited < 5_000 && !s.stderr().includes(text); waited += 50)
    await new Promise((r) => setTimeout(r, 50));
  return s.stderr();
}

/** Starts a server with a clean environment (no HOSTNAME) and waits for its "▲ … on http://host:port" line. */
async function serve(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; host: string; port: number; stderr: () => string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-start-"));
  const childEnv: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NEXT_DIST_DIR: distDir(),
    NEXT_TELEMETRY_DISABLED: "1",
    AUTH_TRUST_HOST: "true",
    DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
    ...env,
  };
  const child = spawn(process.execPath, args, { env: childEnv as NodeJS.ProcessEnv });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  child.once("exit", () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const [, host, port] = await new Promise<string[]>((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      stdout += d;
      const m = /console on http:\/\/([^\s]+):(\d+)/.exec(stdout);
      if (m) resolve(m);
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before listening:\n${stdout}\n${stderr}`)));
  });
  return { child, host: host!, port: Number(port), stderr: () => stderr };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

// These start the real server, so they need a build: `npm test` makes it before vitest; run alone, the
// first of them builds (about a minute).
describe("a server on the published demo secrets", () => {
  beforeAll(() => ensureBuild(), 600_000);

  it("DEMO_MODE=1 npm start listens on 127.0.0.1 only (no HOSTNAME, no -H) and names the demo values on stderr, never their values", async () => {
    const s = await serve(["node_modules/tsx/dist/cli.mjs", "scripts/start.ts", "--port", "0"], { DEMO_MODE: "1" });
    try {
      expect(s.host).toBe("127.0.0.1");
      expect((await fetch(`http://127.0.0.1:${s.port}/api/ping`)).status).toBe(200);
      const others = networkAddresses();
      for (const address of others) expect(await connect(address, s.port), address).toBe("ECONNREFUSED");
      if (!others.length) console.warn("no network address besides loopback here: only the bind address was checked");
      expect(await stderrWith(s, "Listening on")).toContain("DEMO SECRETS IN USE");
      expect(s.stderr()).toContain("ADMIN_PASSWORD is the published demo password");
      expect(s.stderr()).toContain("Listening on 127.0.0.1 only");
      for (const key of ["AUTH_SECRET", "ADMIN_PASSWORD", "ADMIN_API_TOKEN", "APP_WEBHOOK_SECRET"] as const)
        expect(s.stderr()).not.toContain(DEMO_DEFAULTS[key]);
    } finally {
      await stop(s.child);
    }
  }, 120_000);

  it("follows an explicit -H", async () => {
    const s = await serve(["--import", "tsx", "server.ts", "-p", "0", "-H", "0.0.0.0"], {
      DEMO_MODE: "1",
      NODE_ENV: "production",
    });
    try {
      expect(s.host).toBe("localhost");
      for (const address of networkAddresses().filter((a) => net.isIPv4(a)))
        expect(await connect(address, s.port), address).toBe("open");
      expect(await stderrWith(s, "REACHABLE FROM OTHER MACHINES")).toContain("REACHABLE FROM OTHER MACHINES");
    } finally {
      await stop(s.child);
    }
  }, 120_000);
});
