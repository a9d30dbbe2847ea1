// The embedded database refuses a second process while the first lives, and never after it died: the lock is
// a socket the kernel releases with its process (kill -9 included), not a pid file.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { openDb } from "./index";

const run = promisify(execFile);
const tempDataDir = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ops-lock-")), "pglite");

/** A child process that opens `dir` and reports "opened" or the error (exit 3). */
async function openInChild(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `import("./db/index.ts").then((m) => m.openDb({ dataDir: ${JSON.stringify(dir)} })).then(async (h) => { await h.close(); console.log("opened"); }, (e) => { console.error(e.message); process.exit(3); })`;
  try {
    const r = await run(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8", timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("embedded database lock", () => {
  it("refuses a second process while the first holds it, and frees it on close", { timeout: 120_000 }, async () => {
    const dir = tempDataDir();
    const first = await openDb({ dataDir: dir });
    const second = await openInChild(dir);
    expect(second.code).toBe(3);
    expect(second.stderr).toContain(`is in use by process ${process.pid}`);
    await first.close();
    const third = await openInChild(dir);
    expect(third.stdout).toContain("opened");
  });

  it("is free again at once when its holder is killed with SIGKILL", { timeout: 120_000 }, async () => {
    const dir = tempDataDir();
    const script = `import("./db/index.ts").then((m) => m.openDb({ dataDir: ${JSON.stringify(dir)} })).then(() => { console.log("locked"); setInterval(() => {}, 1000); }, (e) => { console.error(e.message); process.exit(3); })`;
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d) => {
        out += String(d);
        if (out.includes("locked")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`the holder exited (${code}) before it took the lock`)));
    });
    // While it lives, this process is refused, with the holder named.
    await expect(openDb({ dataDir: dir })).rejects.toThrow(`is in use by process ${child.pid}`);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    // Its pid file of an earlier version (or any leftover) does not matter either.
    fs.writeFileSync(path.join(dir, "..", "pglite.pid"), String(process.ppid));
    const next = await openDb({ dataDir: dir });
    await next.close();
    expect(fs.existsSync(path.join(dir, "..", "pglite.pid"))).toBe(false);
  });

  it("is taken again by its own process after a close, and refuses others meanwhile", {
    timeout: 120_000,
  }, async () => {
    const dir = tempDataDir();
    const a = await openDb({ dataDir: dir });
    await a.close();
    const b = await openDb({ dataDir: dir });
    const c = await openInChild(dir);
    expect(c.code).toBe(3);
    await b.close();
    expect((await openInChild(dir)).stdout).toContain("opened");
  });
});
