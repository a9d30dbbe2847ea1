// Where the server listens and what it says when the published demo values are in use (lib/http/demo-exposure.ts).
import { describe, expect, it } from "vitest";
import { DEMO_DEFAULTS, parseEnv } from "@/lib/env";
import { PRODUCTION_ENV } from "@/test/production-env";
import { demoValuesInUse, demoWarning, isLoopback, listenHostname } from "./demo-exposure";

describe("listenHostname", () => {
  const base = { flag: undefined, hostnameVar: undefined, machineName: "build-box" };

  it("binds loopback outside production and every interface in production, when nothing says where", () => {
    expect(listenHostname({ ...base, isProduction: false })).toBe("127.0.0.1");
    expect(listenHostname({ ...base, isProduction: true })).toBe("0.0.0.0");
  });

  it("follows -H, then HOSTNAME, in every mode", () => {
    expect(listenHostname({ ...base, flag: "0.0.0.0", hostnameVar: "10.0.0.2", isProduction: false })).toBe("0.0.0.0");
    expect(listenHostname({ ...base, flag: "127.0.0.1", isProduction: true })).toBe("127.0.0.1");
    expect(listenHostname({ ...base, hostnameVar: "0.0.0.0", isProduction: false })).toBe("0.0.0.0");
    expect(listenHostname({ ...base, hostnameVar: "10.0.0.2", isProduction: true })).toBe("10.0.0.2");
  });

  it("outside production, ignores a HOSTNAME that is only this machine's name (Docker exports one)", () => {
    expect(listenHostname({ ...base, hostnameVar: "Build-Box", isProduction: false })).toBe("127.0.0.1");
    expect(listenHostname({ ...base, hostnameVar: "build-box", isProduction: true })).toBe("build-box");
    expect(listenHostname({ ...base, hostnameVar: " ", isProduction: false })).toBe("127.0.0.1");
  });
});

describe("isLoopback", () => {
  it("knows the loopback names and addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"])
      expect(isLoopback(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.0.2.2", "fd00::2", "build-box", "localhost.example.com"])
      expect(isLoopback(h), h).toBe(false);
  });
});

describe("demoValuesInUse", () => {
  it("names every demo default when nothing is set outside production", () => {
    expect(demoValuesInUse(parseEnv({ NODE_ENV: "development" }))).toEqual(Object.keys(DEMO_DEFAULTS));
    expect(demoValuesInUse(parseEnv({}))).toEqual(Object.keys(DEMO_DEFAULTS));
  });

  it("names only the unset ones in a demo with some values of its own", () => {
    const e = parseEnv({
      NODE_ENV: "production",
      DEMO_MODE: "1",
      ADMIN_PASSWORD: "my-own-password",
      AUTH_SECRET: "a".repeat(40),
      ADMIN_EMAIL: "FOUNDER@DEMO.TEST",
    });
    const names = demoValuesInUse(e);
    expect(names).not.toContain("ADMIN_PASSWORD");
    expect(names).not.toContain("AUTH_SECRET");
    expect(names).toContain("ADMIN_EMAIL"); // the demo owner, in any case
    expect(names).toContain("APP_WEBHOOK_SECRET");
  });

  it("names the demo value set by hand, and nothing in a real production configuration", () => {
    expect(demoValuesInUse(parseEnv({ ...PRODUCTION_ENV, DEMO_MODE: "1", ADMIN_PASSWORD: "demo-password" }))).toEqual([
      "ADMIN_PASSWORD",
    ]);
    expect(demoValuesInUse(parseEnv(PRODUCTION_ENV))).toEqual([]);
  });
});

describe("demoWarning", () => {
  it("is a boxed list of names, never a value, saying whether the network can reach it", () => {
    const keys = Object.keys(DEMO_DEFAULTS) as (keyof typeof DEMO_DEFAULTS)[];
    const local = demoWarning(keys, "127.0.0.1")!;
    expect(local).toContain("DEMO SECRETS IN USE");
    expect(local).toContain("ADMIN_PASSWORD is the published demo password");
    expect(local).toContain("Listening on 127.0.0.1 only");
    // Every value but ZENDESK_SUBDOMAIN's "demo", a word the warning uses.
    for (const value of Object.values(DEMO_DEFAULTS).filter((v) => v !== "demo")) expect(local).not.toContain(value);
    const lines = local.split("\n");
    expect(new Set(lines.map((l) => l.length)).size).toBe(1); // a box: every line as wide
    expect(lines[0]).toMatch(/^!+$/);
    expect(demoWarning(["ADMIN_PASSWORD"], "0.0.0.0")).toContain("REACHABLE FROM OTHER MACHINES");
  });

  it("is absent when no demo value is in use", () => {
    expect(demoWarning([], "0.0.0.0")).toBeUndefined();
  });
});
