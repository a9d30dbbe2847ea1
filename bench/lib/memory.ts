// Peak resident memory of a process and its children (Linux /proc), sampled on demand.
import fs from "node:fs";

export function children(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

function rssKiB(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export function memorySampler(pid: number) {
  let peak = 0;
  return {
    sample() {
      const tree = [pid, ...children(pid)];
      peak = Math.max(
        peak,
        tree.reduce((sum, p) => sum + rssKiB(p), 0),
      );
    },
    peakMiB: () => Math.round(peak / 1024),
  };
}
