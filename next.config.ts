import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";
import { inspectEnv } from "./lib/env";
import { securityHeaders, servedOverHttps } from "./lib/http/security-headers";

export default function config(phase: string): NextConfig {
  return {
    // `next build` also writes <distDir>/standalone: a server.js with only the node_modules files the app
    // traces to, for a container or a bare VM (see README, "Deploying"); Vercel ignores it.
    output: "standalone",
    // PGlite loads its WebAssembly and data files from its own package folder at run time;
    // bundling it breaks those paths. The SDKs are Node-only and gain nothing from bundling.
    serverExternalPackages: ["@electric-sql/pglite", "postgres", "node-zendesk", "@hubspot/api-client", "stripe"],
    outputFileTracingIncludes: {
      // Read at run time by path, so the tracer cannot see them: the migrations applied at start-up
      // (db/index.ts) and PGlite's WebAssembly, data and extension files.
      "/*": [
        "./db/migrations/**/*",
        "./node_modules/@electric-sql/pglite/dist/*.{wasm,data}",
        "./node_modules/@electric-sql/pglite/dist/pg_trgm.tar.gz",
      ],
    },
    outputFileTracingExcludes: {
      // The local look-alikes of Stripe, HubSpot and Zendesk, tests and benchmarks never ship.
      "/*": ["./sandbox/**/*", "./e2e/**/*", "./reliability/**/*", "./bench/**/*", "./test/**/*", "./.data/**/*"],
    },
    // `next build` type-checks the whole project by running its own `tsc` binary and fails on any error.
    // TypeScript 7 has no JavaScript compiler API, so this CLI mode (Next 16's default, stated here so it
    // stays so) is the only one that works; `typescript.ignoreBuildErrors` would skip the check entirely.
    experimental: { useTypeScriptCli: true },
    poweredByHeader: false,
    // Separate build folders let the benchmark or a second test run build without disturbing a running server.
    distDir: process.env.NEXT_DIST_DIR || ".next",
    // The security headers of everything Next serves (pages, API routes, static files); pages also get
    // their nonce-based CSP from proxy.ts. `next build` writes these into the build, so a build would carry
    // the HSTS decision of the machine that built it: production builds leave Strict-Transport-Security to
    // server.ts, which decides at start-up; only `next dev` and Vercel (no server.ts) decide it here.
    async headers() {
      // On Vercel (VERCEL=1 while it builds) there is no server.ts and every deployment is served over HTTPS.
      const https =
        process.env.VERCEL === "1" ||
        (phase === PHASE_DEVELOPMENT_SERVER && servedOverHttps(inspectEnv({ ...process.env }).env));
      return [{ source: "/:path*", headers: securityHeaders({ https }) }];
    },
  };
}
