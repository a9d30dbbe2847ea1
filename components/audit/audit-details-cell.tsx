// The Details cell of the audit log: the known keys in words (links to events), unknown keys as `key: value`,
// and the stored JSON one click away for whoever needs the exact record.
import Link from "next/link";
import { auditDetailParts, auditDetailsText } from "./audit-details";

export function AuditDetailsCell({ action, details }: { action: string; details: unknown }) {
  const parts = auditDetailParts(action, details);
  if (parts.length === 0) return <span className="text-slate-500">—</span>;
  return (
    <div className="flex min-w-56 flex-col gap-1 text-xs">
      <p className="line-clamp-3 [overflow-wrap:anywhere] text-slate-700" title={auditDetailsText(action, details)}>
        {parts.map((p, i) => {
          const value = p.href ? (
            <Link href={p.href} className="underline-offset-2 hover:underline" title={p.title}>
              {p.value}
            </Link>
          ) : (
            <span title={p.title}>{p.value}</span>
          );
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: parts are derived in a fixed order from one row
            <span key={i}>
              {i > 0 && (
                <span className="px-1 text-slate-400" aria-hidden="true">
                  ·
                </span>
              )}
              {p.label && <span className="text-slate-500">{p.label} </span>}
              <span className={p.mono ? "font-mono" : undefined}>{value}</span>
            </span>
          );
        })}
      </p>
      {/* w-0 min-w-full: the open JSON fills the column without widening it (its long lines scroll). */}
      <details className="w-0 min-w-full">
        <summary className="w-fit cursor-pointer text-slate-500 hover:text-slate-800">Raw JSON</summary>
        <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-100 p-2 font-mono text-[11px] whitespace-pre-wrap [overflow-wrap:anywhere]">
          {JSON.stringify(details, null, 2)}
        </pre>
      </details>
    </div>
  );
}
