// The erasures list: when each was asked for, by whom (the app or a console user), its status and what each
// system has done so far. The person is not named: by the end of an erasure nothing names them, and a running
// one names them on its own page only.
import Link from "next/link";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { type ErasureListItem, requesterLabel } from "./receipt";

const STATUS_LABEL = { running: "Running", completed: "Completed", failed: "Failed" } as const;
const STATUS_COLOUR = { running: "running", completed: "succeeded", failed: "failed" } as const;

function SystemsDone({ systems }: { systems: ErasureListItem["systems"] }) {
  if (systems.length === 0) return <span className="text-slate-500">None yet</span>;
  return (
    <span className="flex flex-wrap gap-1.5">
      {systems.map((s) => (
        <Badge key={s.system} variant={s.held ? "success" : "muted"} title={s.held ? "Erased" : "Held nothing"}>
          {s.label}
        </Badge>
      ))}
    </span>
  );
}

export function ErasuresList({ rows }: { rows: ErasureListItem[] }) {
  return (
    <>
      <div className="relative hidden overflow-x-auto rounded-lg border border-slate-200 bg-white md:block">
        <table className="w-full min-w-[44rem] text-left text-sm">
          <caption className="sr-only">Erasures, newest first</caption>
          <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium tracking-wide text-slate-600 uppercase">
            <tr>
              <th scope="col" className="px-4 py-2.5">
                Requested
              </th>
              <th scope="col" className="px-4 py-2.5">
                Who asked
              </th>
              <th scope="col" className="px-4 py-2.5">
                Status
              </th>
              <th scope="col" className="px-4 py-2.5">
                Systems done
              </th>
              <th scope="col" className="px-4 py-2.5">
                <span className="sr-only">Receipt</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r) => (
              <tr key={r.erasureId} data-erasure={r.erasureId} className="align-top hover:bg-slate-50">
                <td className="px-4 py-3 whitespace-nowrap">
                  <Time date={r.requestedAt} />
                  {r.reason ? <p className="mt-0.5 max-w-64 truncate text-xs text-slate-600">{r.reason}</p> : null}
                </td>
                <td className="px-4 py-3 text-slate-800">{requesterLabel(r.requestedBy)}</td>
                <td className="px-4 py-3">
                  <StatusBadge status={STATUS_COLOUR[r.status]} label={STATUS_LABEL[r.status]} />
                </td>
                <td className="px-4 py-3">
                  <SystemsDone systems={r.systems} />
                </td>
                <td className="px-4 py-3 text-right whitespace-nowrap">
                  <Link href={`/erasures/${r.erasureId}`} className="font-medium text-indigo-700 hover:underline">
                    Receipt →
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {/* On a phone: one card per erasure, status and systems visible without scrolling sideways. */}
      <ul className="flex flex-col gap-2 md:hidden" aria-label="Erasures, newest first">
        {rows.map((r) => (
          <li
            key={r.erasureId}
            data-erasure-card={r.erasureId}
            className="rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm"
          >
            <div className="flex items-start justify-between gap-3">
              <Time date={r.requestedAt} />
              <StatusBadge status={STATUS_COLOUR[r.status]} label={STATUS_LABEL[r.status]} />
            </div>
            <p className="mt-0.5 break-words text-slate-700">
              <span className="text-slate-500">Who asked: </span>
              {requesterLabel(r.requestedBy)}
            </p>
            {r.reason ? <p className="mt-0.5 text-xs break-words text-slate-600">{r.reason}</p> : null}
            <div className="mt-2 flex items-end justify-between gap-3">
              <SystemsDone systems={r.systems} />
              <Link
                href={`/erasures/${r.erasureId}`}
                className="font-medium whitespace-nowrap text-indigo-700 hover:underline"
              >
                Receipt →
              </Link>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
