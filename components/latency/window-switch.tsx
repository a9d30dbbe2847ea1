// The page's window (1 h / 24 h / 7 d) as links: the URL holds it, so a reload, a shared link and the
// back button keep the window, and it works before any JavaScript has loaded.
import Link from "next/link";
import { LATENCY_WINDOWS, type LatencyWindow } from "@/db/queries/step-latency";
import { cn } from "@/lib/utils";

const LABELS: Record<LatencyWindow, string> = { "1h": "1 hour", "24h": "24 hours", "7d": "7 days" };

export function WindowSwitch({ current }: { current: LatencyWindow }) {
  return (
    <nav aria-label="Time window" className="inline-flex rounded-md border border-slate-300 bg-white p-0.5">
      {LATENCY_WINDOWS.map((w) => (
        <Link
          key={w}
          href={`/latency?window=${w}`}
          aria-current={w === current ? "page" : undefined}
          className={cn(
            "rounded px-3 py-1.5 text-sm font-medium",
            w === current ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100",
          )}
        >
          {LABELS[w]}
        </Link>
      ))}
    </nav>
  );
}
