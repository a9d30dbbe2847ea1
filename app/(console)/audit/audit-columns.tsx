// Columns of the audit log: when, who (and through which door), did what, to what.
import Link from "next/link";
import { Fragment } from "react";
import type { AuditListRow } from "@/db/queries/audit";
import { dataTableColumnHelper, type DataTableColumn } from "@/components/data-table/features";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { AuditDetailsCell } from "@/components/audit/audit-details-cell";
import { auditActionLabel } from "./audit-labels";

const helper = dataTableColumnHelper<AuditListRow>();
const VIA_LABEL: Record<string, string> = { session: "Console", "api-token": "API token", system: "System" };

const TARGET_LABEL: Record<string, string> = {
  user: "User",
  customer: "Customer",
  event: "Event",
  erasure: "Erasure",
  alert: "Alert",
  bulk_replay: "Bulk replay",
  api: "Admin API",
  action: "Console action",
};

/** A UUID shortened to its first block (the full id is in the cell's title); names and paths stay whole. */
const shortTargetId = (id: string) => (/^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(id) ? `${id.slice(0, 8)}…` : id);

/**
 * Text with line-break opportunities after each match ("viewer@" / "example.com",
 * "customer.recovery_" / "card_update_link"): long emails and action names wrap where they read well,
 * which keeps the columns narrow enough for the list to fit its box at 1280 px.
 */
function withBreaks(text: string, after: RegExp) {
  // split with a capturing group keeps the separators at odd indexes: a <wbr> follows each of them.
  return text.split(after).map((piece, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one string, in order
    <Fragment key={i}>
      {piece}
      {i % 2 === 1 ? <wbr /> : null}
    </Fragment>
  ));
}

/** Console pages of a target, by its type; other targets (users, API paths, alerts) are shown as text. */
function targetHref(type: string | null, id: string): string | null {
  if (type === "event") return `/events/${encodeURIComponent(id)}`;
  if (type === "customer") return `/customers/${encodeURIComponent(id)}`;
  if (type === "erasure") return `/erasures/${encodeURIComponent(id)}`;
  return null;
}

/** What an entry acted on: its kind in words, its id shortened, a link to its page when it has one. */
function AuditTarget({ row, inline = false }: { row: AuditListRow; inline?: boolean }) {
  const { targetType, targetId } = row;
  if (!targetId) return <span className="text-slate-500">—</span>;
  const href = targetHref(targetType, targetId);
  const body = (
    <span className={inline ? "inline" : "flex flex-col"} title={`${targetType ?? "target"} ${targetId}`}>
      <span>{TARGET_LABEL[targetType ?? ""] ?? targetType ?? "Target"}</span>
      {inline ? " " : null}
      <span className="font-mono text-xs [overflow-wrap:anywhere] text-slate-600">{shortTargetId(targetId)}</span>
    </span>
  );
  return href ? (
    <Link href={href} className={inline ? "text-indigo-700 hover:underline" : "hover:underline"}>
      {body}
    </Link>
  ) : (
    body
  );
}

/** An entry on a phone: what was done and when, who through which door, to what, then the details. */
export function AuditCard({ row }: { row: AuditListRow }) {
  return (
    <div data-audit-card={row.id} className="flex flex-col gap-1">
      <div className="flex items-start justify-between gap-3">
        <span className="font-medium break-words">{auditActionLabel(row.action)}</span>
        <span className="whitespace-nowrap text-slate-600">
          <RelativeTime date={row.createdAt} />
        </span>
      </div>
      <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-slate-700">
        <span className="[overflow-wrap:anywhere]">{row.actorEmail}</span>
        <Badge variant="muted">{VIA_LABEL[row.via] ?? row.via}</Badge>
      </p>
      {row.targetId ? (
        <p className="text-slate-700">
          <span className="text-slate-500">Target: </span>
          <AuditTarget row={row} inline />
        </p>
      ) : null}
      <div className="mt-1 [overflow-wrap:anywhere]">
        <AuditDetailsCell action={row.action} details={row.details} />
      </div>
    </div>
  );
}

export function getAuditColumns(): DataTableColumn<AuditListRow>[] {
  return helper.columns([
    helper.accessor("createdAt", {
      header: "When",
      enableSorting: true,
      sortDescFirst: true,
      meta: { label: "When", className: "whitespace-nowrap" },
      cell: ({ getValue }) => <RelativeTime date={getValue()} />,
    }),
    helper.accessor("actorEmail", {
      header: "Who",
      enableSorting: true,
      meta: { label: "Who" },
      // The channel under the email: a long email then keeps the column narrow enough for Details.
      cell: ({ row }) => (
        <span className="flex flex-col items-start gap-1">
          <span>{withBreaks(row.original.actorEmail, /(@)/)}</span>
          <Badge variant="muted">{VIA_LABEL[row.original.via] ?? row.original.via}</Badge>
        </span>
      ),
    }),
    helper.accessor("action", {
      header: "Action",
      enableSorting: true,
      meta: { label: "Action" },
      // Words first, the stored name second (what the filter and the admin API use).
      cell: ({ getValue }) => (
        <span className="flex flex-col">
          <span>{auditActionLabel(getValue())}</span>
          <span className="font-mono text-xs text-slate-600">{withBreaks(getValue(), /([._])/)}</span>
        </span>
      ),
    }),
    helper.accessor("targetId", {
      header: "Target",
      meta: { className: "min-w-32 max-w-56" },
      cell: ({ row }) => <AuditTarget row={row.original} />,
    }),
    helper.accessor("details", {
      header: "Details",
      meta: { className: "min-w-64 max-w-md" },
      cell: ({ row }) => <AuditDetailsCell action={row.original.action} details={row.original.details} />,
    }),
  ]);
}
