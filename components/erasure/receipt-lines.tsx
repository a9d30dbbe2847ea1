// The receipt's lines: each system, what was done (or what is still to do, or why it failed), when, and the
// system's own confirmation id. A system that held nothing says so: that is an outcome, not an error.
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { ReceiptLineStatus, ReceiptSystemLine } from "./receipt";

const OUTCOME: Record<ReceiptLineStatus, { label: string; variant: BadgeVariant }> = {
  done: { label: "Done", variant: "success" },
  pending: { label: "Waiting", variant: "neutral" },
  running: { label: "Running", variant: "info" },
  failed: { label: "Failed", variant: "danger" },
  skipped: { label: "Skipped", variant: "muted" },
};

export function ReceiptLines({ lines }: { lines: ReceiptSystemLine[] }) {
  return (
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full min-w-[40rem] text-left text-sm">
        <caption className="sr-only">What each system did</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium tracking-wide text-slate-600 uppercase">
          <tr>
            <th scope="col" className="px-4 py-2.5">
              System
            </th>
            <th scope="col" className="px-4 py-2.5">
              What was done
            </th>
            <th scope="col" className="px-4 py-2.5">
              When
            </th>
            <th scope="col" className="px-4 py-2.5">
              Confirmation
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {lines.map((l) => {
            const outcome =
              l.held === false && l.status === "done"
                ? { label: "Nothing held", variant: "muted" as const }
                : OUTCOME[l.status];
            return (
              <tr key={`${l.system}-${l.action}`} data-system={l.system} className="align-top">
                <th scope="row" className="px-4 py-3 font-medium text-slate-900">
                  <span className="flex flex-col items-start gap-1">
                    {l.label}
                    <Badge variant={outcome.variant}>{outcome.label}</Badge>
                  </span>
                </th>
                <td className="px-4 py-3 text-slate-800">
                  {l.action}
                  {l.error ? <p className="mt-1 break-words text-red-800">{l.error}</p> : null}
                </td>
                <td className="px-4 py-3 whitespace-nowrap text-slate-700">
                  <Time date={l.at} />
                </td>
                <td className="px-4 py-3 font-mono text-xs break-all text-slate-700">{l.confirmationId ?? "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
