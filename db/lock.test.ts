// The embedded database refuses a second process instead of letting it read stale data.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "./index";

describe("embedded database lock", () => {
  it("refuses a second process while the first holds it, and frees it on close", { timeout: 120_000 }, async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ops-lock-")), "pglite");
    const first = await openDb({ dataDir: dir });
    const script = `import("./db/index.ts").then((m) => m.openDb({ dataDir: ${JSON.stringify(dir)} })).then(async (h) => { await h.close(); console.log("opened"); }, (e) => { console.error(e.message); process.exit(3); })`;
    const second = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(second.status).toBe(3);
    expect(second.stderr).toContain(`is in use by process ${process.pid}`);
    await first.close();
    const third = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(third.stdout).toContain("opened");
  });
});
