// `npm run build`'s second half: the production server compiled beside the build, and the standalone
// folder made deployable (scripts/lib/standalone.ts).
import { distDir } from "./lib/next-server";
import { assembleStandalone, compileServer } from "./lib/standalone";

// --server-only: a build made before this step existed (scripts/lib/next-server.ts ensureBuild).
const serverOnly = process.argv.includes("--server-only");

compileServer(distDir())
  .then(() => (serverOnly ? undefined : assembleStandalone(distDir())))
  .then((out) => out && console.log(`Standalone server: ${out} (node server.js; see README, "Deploying").`))
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
