// `npm run audit:deps`: the production dependencies' known advisories (npm audit --omit=dev --audit-level=high).
// Prints a short table of high and critical advisories and exits 1 when there is any. When the registry's
// advisory endpoint cannot be reached from this machine (a mirror answering 405, no network, DNS…), it says so in
// one line and exits 0: the check cannot run here, which is not a finding; run it where it can.
import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";

export const AUDIT_ARGS = ["audit", "--omit=dev", "--audit-level=high", "--json"] as const;

type Via = string | { source?: number; name?: string; title?: string; url?: string; severity?: string; range?: string };
type Vulnerability = {
  name: string;
  severity: string;
  isDirect?: boolean;
  via: Via[];
  range?: string;
  fixAvailable?: boolean | { name: string; version: string; isSemVerMajor?: boolean };
};
type AuditReport = { vulnerabilities?: Record<string, Vulnerability>; metadata?: unknown };
type AuditError = { message?: string; statusCode?: number; code?: string; error?: unknown };

export type AuditOutcome =
  | { kind: "skipped"; reason: string }
  | { kind: "clean" }
  | { kind: "found"; rows: AdvisoryRow[] }
  | { kind: "error"; message: string };

export type AdvisoryRow = { name: string; severity: string; title: string; url: string; fix: string };

const SEVERE = new Set(["high", "critical"]);
// Failures to reach the advisory service (not findings): HTTP answers an audit mirror gives, and network errors.
const UNREACHABLE_STATUS = new Set([401, 403, 404, 405, 501, 502, 503, 504]);
const UNREACHABLE_CODE =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|ENETUNREACH|EHOSTUNREACH|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN|CERT_HAS_EXPIRED)\b/;

/** What npm audit's JSON output means. */
export function interpretAudit(stdout: string, stderr = ""): AuditOutcome {
  let parsed: AuditReport & AuditError;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    const text = `${stdout}\n${stderr}`;
    const code = UNREACHABLE_CODE.exec(text)?.[1];
    if (code) return { kind: "skipped", reason: code };
    const first = (stderr || stdout).split("\n").find((l) => l.trim()) ?? "no output";
    return { kind: "error", message: first.trim().slice(0, 300) };
  }
  if (parsed.vulnerabilities) {
    const rows: AdvisoryRow[] = [];
    for (const v of Object.values(parsed.vulnerabilities)) {
      if (!SEVERE.has(v.severity)) continue;
      const advisories = v.via.filter((x): x is Exclude<Via, string> => typeof x === "object");
      const via = v.via.filter((x): x is string => typeof x === "string");
      const fix =
        v.fixAvailable === true
          ? "npm audit fix"
          : v.fixAvailable
            ? `${v.fixAvailable.name}@${v.fixAvailable.version}${v.fixAvailable.isSemVerMajor ? " (major)" : ""}`
            : "none yet";
      rows.push({
        name: v.name,
        severity: v.severity,
        title: advisories.map((a) => a.title).filter(Boolean)[0] ?? (via.length ? `through ${via.join(", ")}` : ""),
        url: advisories.map((a) => a.url).filter(Boolean)[0] ?? "",
        fix,
      });
    }
    const rank = (s: string) => (s === "critical" ? 0 : 1);
    rows.sort((a, b) => rank(a.severity) - rank(b.severity) || a.name.localeCompare(b.name));
    return rows.length ? { kind: "found", rows } : { kind: "clean" };
  }
  const message = parsed.message ?? "";
  const code = parsed.code ?? UNREACHABLE_CODE.exec(message)?.[1];
  const status = parsed.statusCode ?? Number(/^(\d{3}) /.exec(message)?.[1] ?? Number.NaN);
  const where = /(https?:\/\/[^/\s]+)/.exec(message)?.[1];
  if (Number.isFinite(status) && UNREACHABLE_STATUS.has(status))
    return { kind: "skipped", reason: `${message.split(" - ")[0] || status}${where ? ` from ${where}` : ""}` };
  if (code && UNREACHABLE_CODE.test(code)) return { kind: "skipped", reason: `${code}${where ? ` for ${where}` : ""}` };
  return { kind: "error", message: (message || JSON.stringify(parsed)).slice(0, 300) };
}

export function skippedLine(reason: string): string {
  return `dependency audit skipped: the registry's advisory endpoint is not reachable from here (${reason}); run \`npm run audit:deps\` where it is`;
}

export function formatRows(rows: AdvisoryRow[]): string {
  const head: AdvisoryRow = { name: "PACKAGE", severity: "SEVERITY", title: "ADVISORY", url: "URL", fix: "FIX" };
  const all = [head, ...rows.map((r) => ({ ...r, title: r.title.slice(0, 60) }))];
  const keys = ["name", "severity", "title", "fix", "url"] as const;
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...all.map((r) => r[k].length))]));
  return all
    .map((r) =>
      keys
        .map((k) => r[k].padEnd(width[k]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function runNpmAudit(): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.platform === "win32" ? "npm.cmd" : "npm", [...AUDIT_ARGS], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    child.on("error", reject);
    child.on("close", () => resolve({ stdout, stderr }));
  });
}

export async function main(): Promise<number> {
  const { stdout, stderr } = await runNpmAudit();
  const outcome = interpretAudit(stdout, stderr);
  switch (outcome.kind) {
    case "skipped":
      console.log(skippedLine(outcome.reason));
      return 0;
    case "clean":
      console.log("dependency audit: no high or critical advisories in the production dependencies");
      return 0;
    case "found":
      console.log(
        `dependency audit: ${outcome.rows.length} production ${outcome.rows.length === 1 ? "dependency has" : "dependencies have"} high or critical advisories\n`,
      );
      console.log(formatRows(outcome.rows));
      return 1;
    case "error":
      console.error(`dependency audit could not run: ${outcome.message}`);
      return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`dependency audit could not run: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(2);
    },
  );
}
