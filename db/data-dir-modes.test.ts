// The embedded database is owner-only on disk: DATA_DIR and its folders 0700, every file 0600.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDb, openDb } from "./index";

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

/** Every directory and file under `dir` (itself included) whose permission bits are not `dirMode`/`fileMode`. */
function looseModes(dir: string, dirMode = 0o700, fileMode = 0o600): string[] {
  const loose: string[] = [];
  const check = (p: string, want: number) => {
    const mode = fs.lstatSync(p).mode & 0o777;
    if (mode !== want) loose.push(`${path.relative(dir, p) || "."} ${mode.toString(8)}`);
  };
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        check(p, dirMode);
        walk(p);
      } else if (entry.isFile()) check(p, fileMode);
    }
  };
  check(dir, dirMode);
  walk(dir);
  return loose;
}

describe("embedded database file modes", () => {
  it("creates DATA_DIR and its pglite folder 0700 and leaves every file 0600", { timeout: 120_000 }, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ops-modes-"));
    roots.push(root);
    const dataDir = path.join(root, "data"); // DATA_DIR, made by openDb
    const dir = path.join(dataDir, "pglite");
    const handle = await openDb({ dataDir: dir });
    try {
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
      const files = fs.readdirSync(dir, { recursive: true }).length;
      expect(files).toBeGreaterThan(100); // PGlite's cluster is there
      expect(looseModes(dir)).toEqual([]);
      await migrateDb(handle); // creates tables: new files
    } finally {
      await handle.close();
    }
    expect(looseModes(dir)).toEqual([]);
  });

  it("fixes the modes of an existing data directory when it opens it", { timeout: 120_000 }, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ops-modes-"));
    roots.push(root);
    const dir = path.join(root, "pglite");
    await (await openDb({ dataDir: dir })).close();
    // As a release before this fix left it: PGlite's own 0666 files in a 0755 folder.
    fs.chmodSync(dir, 0o755);
    const sample = fs.readdirSync(dir).find((name) => fs.statSync(path.join(dir, name)).isFile())!;
    fs.chmodSync(path.join(dir, sample), 0o666);
    expect(looseModes(dir).length).toBeGreaterThan(0);
    const handle = await openDb({ dataDir: dir });
    try {
      expect(looseModes(dir)).toEqual([]);
    } finally {
      await handle.close();
    }
  });
});
