// After `next build`: the production server (server.ts) compiled beside the build, so that it runs without
// tsx (`node scripts/serve.mjs`), and <distDir>/standalone made a folder that deploys by itself
// (`node server.js`). Next writes its own standalone server.js and the node_modules files the app traces to
// (next.config.ts adds the migrations and PGlite's files); this replaces that server.js with server.ts
// compiled (the webhook fast path, the start-up HSTS decision and the socket's client address are the same
// as under `npm start`) and copies the static assets and public/, which Next leaves to the deployer.
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

/** The compiled server of a build folder, run by scripts/serve.mjs. */
export const compiledServer = (distDir: string) => path.join(distDir, "ops-server.mjs");

/** server.ts and its two dependency-free lib/http files in one file; Next and the app come from the build. */
async function compile(outfile: string, standaloneDistDir?: string): Promise<void> {
  await build({
    entryPoints: ["server.ts"],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm", // package.json says "type": "module", and so does the standalone folder's copy of it
    // server.ts moves into its own folder in the standalone output, as Next's server.js does.
    banner: {
      js: "import { fileURLToPath as __f } from 'node:url'; const __dirname = __f(new URL('.', import.meta.url));",
    },
    external: ["next", "next/*"],
    define: standaloneDistDir ? { STANDALONE_DIST_DIR: JSON.stringify(standaloneDistDir) } : {},
    logLevel: "warning",
  });
}

export async function compileServer(distDir: string): Promise<void> {
  await compile(compiledServer(distDir));
}

export async function assembleStandalone(distDir: string): Promise<string> {
  const out = path.join(distDir, "standalone");
  if (!fs.existsSync(path.join(out, "server.js")))
    throw new Error(`${out}/server.js is missing: next.config.ts must keep output: "standalone".`);
  await compile(path.join(out, "server.js"), path.basename(distDir));
  // The build's version stamp reads .git, so the tracer copies it (history, remotes) for the instrumentation
  // bundle, which outputFileTracingExcludes cannot reach: a deployment never needs it.
  for (const gitFile of [".git", ".gitignore"]) fs.rmSync(path.join(out, gitFile), { recursive: true, force: true });
  fs.cpSync(path.join(distDir, "static"), path.join(out, path.basename(distDir), "static"), { recursive: true });
  if (fs.existsSync("public")) fs.cpSync("public", path.join(out, "public"), { recursive: true });
  return out;
}
