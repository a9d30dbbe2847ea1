// Builds the console unless the build folder is newer than every source (what `npm test` runs first).
import { ensureBuild } from "./lib/next-server";

ensureBuild();
