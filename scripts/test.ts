// `npm test`: type check, the production build (the server tests and the browser tests start it), unit and
// integration tests (vitest, PGlite + sandboxes), then browser tests.
import { spawnSync } from "node:child_process";

const steps: Array<[string, string[]]> = [
  ["Type check (tsc)", ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "."]],
  [
    "Production build (next build, when sources changed)",
    ["node_modules/tsx/dist/cli.mjs", "scripts/build-if-needed.ts"],
  ],
  ["Unit and integration tests (vitest)", ["node_modules/vitest/vitest.mjs", "run"]],
  ["Browser tests (Playwright)", ["node_modules/tsx/dist/cli.mjs", "scripts/e2e.ts"]],
];

for (const [title, args] of steps) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { stdio: "inherit", env: process.env });
  if (result.status !== 0) {
    console.error(`\n✖ ${title} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
  console.log(`✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
