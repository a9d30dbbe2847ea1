import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its WebAssembly and data files from its own package folder at run time;
  // bundling it breaks those paths. The SDKs are Node-only and gain nothing from bundling.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "node-zendesk", "@hubspot/api-client", "stripe"],
  // `next build` type-checks the whole project by running its own `tsc` binary and fails on any error.
  // TypeScript 7 has no JavaScript compiler API, so this CLI mode (Next 16's default, stated here so it
  // stays so) is the only one that works; `typescript.ignoreBuildErrors` would skip the check entirely.
  experimental: { useTypeScriptCli: true },
  poweredByHeader: false,
  // Separate build folders let the benchmark or a second test run build without disturbing a running server.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default nextConfig;
