// The production server without tsx: server.ts as `npm run build` compiled it beside the build in
// NEXT_DIST_DIR (default .next). `npm start`, and the e2e, reliability and benchmark runs, start this.
//   usage: node scripts/serve.mjs [-p port] [-H hostname]
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const server = path.resolve(process.env.NEXT_DIST_DIR || ".next", "ops-server.mjs");
if (!fs.existsSync(server)) {
  console.error(`No compiled server at ${server}: run \`npm run build\` first.`);
  process.exit(1);
}
process.env.NODE_ENV = "production";
process.env.AUTH_TRUST_HOST ??= "true";
await import(pathToFileURL(server).href);
