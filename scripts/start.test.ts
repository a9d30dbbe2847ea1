// `npm start` refuses to start a production server on a bad configuration, naming what is wrong.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { PRODUCTION_ENV as PRODUCTION } from "@/test/production-env";

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
