// `npm run audit:deps` runs the real `npm audit` against a local registry stand-in over HTTP: a mirror that
// answers 405 (as here) or a host that does not resolve is a skip (exit 0, one line); advisories print a
// table and exit 1 for high/critical; none exits 0.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Answer = { status: number; body?: unknown };
let answer: Answer = { status: 405 };
let server: http.Server;
let registry: string;
const caches: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url?.includes("/-/npm/v1/security/advisories/bulk")) {
        res.writeHead(answer.status, { "content-type": "application/json", allow: "GET,HEAD" });
        res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
        return;
      }
      res.writeHead(404, { "content-type": "application/json" }).end("{}"); // packuments: not needed
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  registry = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(async () => {
  for (const dir of caches) fs.rmSync(dir, { recursive: true, force: true });
  await new Promise((r) => server.close(r));
});

const newCache = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-deps-cache-"));
  caches.push(dir);
  return dir;
};

/** Runs the script as `npm run audit:deps` does (asynchronously: the stand-in answers from this process). */
function auditDeps(registryUrl: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/audit-deps.ts"], {
      env: {
        ...process.env,
        npm_config_registry: registryUrl,
        npm_config_fetch_retries: "0",
        // A cache of its own: npm keeps advisory answers, and each test gives a different one.
        npm_config_cache: newCache(),
        NO_COLOR: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 90_000,
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => {
      out += c;
    });
    child.stderr.on("data", (c) => {
      err += c;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

describe("npm run audit:deps", () => {
  it("skips with one line when the advisory endpoint answers 405", async () => {
    answer = { status: 405 };
    const { code, out } = await auditDeps(registry);
    expect(code).toBe(0);
    expect(out.trim()).toBe(
      `dependency audit skipped: the registry's advisory endpoint is not reachable from here (405 Method Not Allowed from ${registry.replace(/\/$/, "")}); run \`npm run audit:deps\` where it is`,
    );
  });

  it("skips when the registry's host does not resolve", async () => {
    const { code, out } = await auditDeps("http://registry.invalid/");
    expect(code).toBe(0);
    expect(out).toMatch(/^dependency audit skipped: .*\(ENOTFOUND for http:\/\/registry\.invalid\)/);
  });

  it("prints the high and critical advisories and exits 1", async () => {
    answer = {
      status: 200,
      body: {
        zod: [
          {
            id: 1,
            url: "https://github.com/advisories/GHSA-test-zod",
            title: "Prototype pollution in zod",
            severity: "critical",
            vulnerable_versions: "<99.0.0",
          },
        ],
        "p-limit": [
          { id: 2, url: "https://x.test/2", title: "A low one", severity: "low", vulnerable_versions: "<99" },
        ],
      },
    };
    const { code, out } = await auditDeps(registry);
    expect(code).toBe(1);
    const lines = out.trim().split("\n");
    expect(lines[0]).toMatch(/^dependency audit: \d+ production dependencies have high or critical advisories$/);
    expect(out).toMatch(/PACKAGE\s+SEVERITY\s+ADVISORY\s+FIX\s+URL/);
    expect(out).toMatch(
      /zod\s+critical\s+Prototype pollution in zod\s+.*https:\/\/github\.com\/advisories\/GHSA-test-zod/,
    );
    expect(out).not.toContain("A low one");
  });

  it("passes when there is no advisory", async () => {
    answer = { status: 200, body: {} };
    const { code, out } = await auditDeps(registry);
    expect(code).toBe(0);
    expect(out.trim()).toBe("dependency audit: no high or critical advisories in the production dependencies");
  });
});
