// `npm start`: validate the configuration first (clear message, non-zero exit), then the production server
// (server.ts: Next, with the webhook routes served directly; `npm start -- -p 3001` picks the port).
import { spawn } from "node:child_process";
import { parseEnv, EnvError } from "../lib/env";
import { SERVER_COMMAND } from "./lib/next-server";

try {
  parseEnv({ ...process.env, NODE_ENV: process.env.NODE_ENV ?? "production" });
} catch (err) {
  if (err instanceof EnvError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const child = spawn(process.execPath, [...SERVER_COMMAND, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { AUTH_TRUST_HOST: "true", ...process.env, NODE_ENV: "production" },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
