// `npm run doctor`: the launch-readiness checks of the Readiness page, in the terminal. Exits 1 when
// any check fails (warnings do not fail). `--json` prints the checks as JSON instead of a table.
import { inspectEnv, processEnvSource } from "../lib/env";
import { GROUP_TITLES, runReadinessChecks, summarize, type ReadinessCheck } from "../lib/readiness";
import { openDatabaseForChecks } from "../lib/readiness/open-database";

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const STATUS_LABEL = { pass: paint(32, "PASS"), warn: paint(33, "WARN"), fail: paint(31, "FAIL") } as const;

/** Splits text into lines of at most `width` characters, at spaces where possible. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    while (w.length > width) {
      if (line) lines.push(line);
      lines.push(w.slice(0, width));
      w = w.slice(width);
      line = "";
    }
    if (!line) line = w;
    else if (line.length + 1 + w.length <= width) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [""];
}

function formatTable(checks: ReadinessCheck[], columns: number): string {
  const groupWidth = Math.max(5, ...checks.map((c) => GROUP_TITLES[c.group].length)) + 2;
  const checkWidth = Math.max(5, ...checks.map((c) => c.title.length)) + 2;
  const statusWidth = 8;
  const indent = groupWidth + checkWidth + statusWidth;
  const textWidth = Math.max(30, columns - indent - 1);
  const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - s.length));
  const out = [
    paint(1, `${pad("GROUP", groupWidth)}${pad("CHECK", checkWidth)}${pad("STATUS", statusWidth)}DETAIL / FIX`),
  ];
  let lastGroup = "";
  for (const c of checks) {
    const group = c.group === lastGroup ? "" : GROUP_TITLES[c.group];
    if (group && lastGroup) out.push("");
    lastGroup = c.group;
    const detail = wrap(c.detail, textWidth);
    const fix = c.fix ? wrap(`Fix: ${c.fix}`, textWidth) : [];
    const status = STATUS_LABEL[c.status] + " ".repeat(statusWidth - 4);
    out.push(`${pad(group, groupWidth)}${pad(c.title, checkWidth)}${status}${detail[0]}`);
    for (const line of detail.slice(1)) out.push(`${" ".repeat(indent)}${line}`);
    for (const line of fix) out.push(`${" ".repeat(indent)}${paint(36, line)}`);
  }
  return out.join("\n");
}

async function main(): Promise<number> {
  const json = process.argv.includes("--json");
  const source = processEnvSource();
  const { env, problems } = inspectEnv(source);
  const started = performance.now();
  const database = await openDatabaseForChecks(env);
  let checks: ReadinessCheck[];
  try {
    checks = await runReadinessChecks({ env: source, db: database.access });
  } finally {
    await database.close().catch(() => {});
  }
  const summary = summarize(checks);
  if (json) {
    console.log(JSON.stringify({ summary, checks }, null, 2));
    return summary.fail ? 1 : 0;
  }
  if (problems.length) {
    const names = [...new Set(problems.map((p) => /^[A-Z][A-Z0-9_]+/.exec(p)?.[0] ?? "configuration"))];
    console.log(
      paint(
        31,
        `Configuration invalid: ${problems.length} problem${problems.length === 1 ? "" : "s"} (${names.join(", ")}); the server would refuse to start. Details below.`,
      ),
    );
    console.log("");
  }
  const mode = env.isProduction ? "production" : `NODE_ENV=${env.NODE_ENV}${env.DEMO_MODE ? ", DEMO_MODE=1" : ""}`;
  console.log(paint(1, `Launch readiness (${mode})`));
  console.log("");
  console.log(formatTable(checks, Math.max(90, process.stdout.columns || 120)));
  console.log("");
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const verdict = summary.fail
    ? paint(31, `${summary.fail} to fix before launch`)
    : paint(32, "Nothing to fix before launch");
  console.log(
    `${verdict}, ${summary.warn} warning${summary.warn === 1 ? "" : "s"}, ${summary.pass} passed (${seconds} s).`,
  );
  return summary.fail ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`The doctor could not run: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
