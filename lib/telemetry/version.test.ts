// The version /api/health and the traces report: APP_VERSION, else package.json's; the commit from .git.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { buildInfo, gitCommit } from "./version";

const SHA = "3f2a9c1d4e5b6a7980f1e2d3c4b5a69788796a5b";
const dirs: string[] = [];

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "version-"));
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

afterEach(() => {
  delete process.env.APP_VERSION;
  resetEnvCache();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("buildInfo", () => {
  it("reports package.json's version, the checked-out commit and the process start", () => {
    const root = project({
      "package.json": JSON.stringify({ version: "2.3.4" }),
      ".git/HEAD": "ref: refs/heads/main\n",
      ".git/refs/heads/main": `${SHA}\n`,
    });
    const info = buildInfo(root);
    expect(info).toEqual({ version: "2.3.4", commit: SHA.slice(0, 12), startedAt: expect.any(String) });
    expect(Date.parse(info.startedAt)).toBeLessThanOrEqual(Date.now());
  });

  it("prefers APP_VERSION, and says unknown/null when there is neither package.json nor .git", () => {
    expect(buildInfo(project({}))).toMatchObject({ version: "unknown", commit: null });
    process.env.APP_VERSION = "1.4.0+build.7";
    resetEnvCache();
    expect(buildInfo(project({ "package.json": '{"version":"0.0.1"}' })).version).toBe("1.4.0+build.7");
  });
});

describe("gitCommit", () => {
  it("reads a detached HEAD and a ref kept only in packed-refs", () => {
    expect(gitCommit(project({ ".git/HEAD": `${SHA}\n` }))).toBe(SHA.slice(0, 12));
    const packed = project({
      ".git/HEAD": "ref: refs/heads/release\n",
      ".git/packed-refs": `# pack-refs with: peeled\n${"0".repeat(40)} refs/heads/main\n${SHA} refs/heads/release\n`,
    });
    expect(gitCommit(packed)).toBe(SHA.slice(0, 12));
  });

  it("gives null for a HEAD that is not a commit or a ref that is missing", () => {
    expect(gitCommit(project({ ".git/HEAD": "garbage\n" }))).toBeNull();
    expect(gitCommit(project({ ".git/HEAD": "ref: refs/heads/gone\n" }))).toBeNull();
    expect(gitCommit(project({ ".git/HEAD": "ref: refs/heads/x\n", ".git/refs/heads/x": "not-a-sha\n" }))).toBeNull();
  });
});
