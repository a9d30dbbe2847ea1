// `tsx scripts/start.ts`: the production server (scripts/serve.mjs) after checking the configuration here,
// so that a bad one is named (exit 1) even before there is a build. `npm start` runs scripts/serve.mjs
// directly, without tsx: there the app's start-up (lib/http/server-start.ts) names a bad configuration or an
// unreachable database, with the same messages, before anything listens.
import { EnvError, parseEnv } from "../lib/env";

try {
  parseEnv({ ...process.env, NODE_ENV: process.env.NODE_ENV ?? "production" });
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  console.error(err.message);
  process.exit(1);
}
(process.env as Record<string, string>).NODE_ENV = "production";
process.env.AUTH_TRUST_HOST ??= "true";
// @ts-expect-error plain JavaScript, no types
await import("./serve.mjs");
