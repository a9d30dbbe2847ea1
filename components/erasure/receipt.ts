// The erasure receipt as the founder sends it to the person: one line per system (HubSpot, Zendesk or Intercom,
// Stripe, our own records) with what was done, when and the system's confirmation id, built from the erasure's
// receipt lines and, for a system not done yet, its pipeline step (pending, running, failed with the error).
// Pure: the admin API (GET /api/admin/erasures/:id), the receipt page and its Copy/Download share it.
import type { Erasure, ErasureReceiptLine, EventStep } from "@/db/schema";
import { STEP } from "@/lib/pipeline/engine/step-names";

export type ReceiptLineStatus = "done" | "pending" | "running" | "failed" | "skipped";

export type ReceiptSystemLine = {
  system: string;
  /** "HubSpot", "Zendesk", "Stripe", "Our records". */
  label: string;
  status: ReceiptLineStatus;
  /** What was done, in words; for a system not done yet, what will be. */
  action: string;
  at: string | null;
  confirmationId: string | null;
  /** Whether the system held anything about the person (null until it is known). */
  held: boolean | null;
  error: string | null;
};

export type ErasureReceipt = {
  erasureId: string;
  status: "running" | "completed" | "failed";
  requestedAt: string;
  requestedBy: string;
  reason: string | null;
  completedAt: string | null;
  /** How Stripe subscriptions end: `now` or `period_end` (ERASURE_STRIPE_CANCEL when it started). */
  stripeCancel: string;
  eventId: string | null;
  systems: ReceiptSystemLine[];
};

export const SYSTEM_LABELS: Record<string, string> = {
  hubspot: "HubSpot",
  zendesk: "Zendesk",
  intercom: "Intercom",
  stripe: "Stripe",
  console: "Our records",
};

export const systemLabel = (system: string) => SYSTEM_LABELS[system] ?? system;

/** Which systems each erase step writes its receipt lines for, and what it does, said before it has run. */
const STEP_SYSTEMS: { step: string; systems: string[]; pending: string }[] = [
  { step: STEP.eraseCrm, systems: ["hubspot"], pending: "Delete the contact (GDPR delete)" },
  {
    step: STEP.eraseSupport,
    systems: ["zendesk", "intercom"],
    pending: "Redact ticket comments and delete the user",
  },
  { step: STEP.eraseBilling, systems: ["stripe"], pending: "Cancel subscriptions and remove the customer" },
  {
    step: STEP.eraseRecords,
    systems: ["console"],
    pending: "Tombstone the customer and redact payloads, tickets, alerts and audit details",
  },
];

type Detail = {
  erasure: Pick<Erasure, "id" | "requestedAt" | "requestedBy" | "reason" | "completedAt" | "stripeCancel" | "eventId">;
  status: ErasureReceipt["status"];
  steps: Pick<EventStep, "step" | "status" | "lastError" | "finishedAt">[];
  receipt: ErasureReceiptLine[];
};

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

function doneLine(line: ErasureReceiptLine): ReceiptSystemLine {
  return {
    system: line.system,
    label: systemLabel(line.system),
    status: "done",
    action: line.action,
    at: line.at,
    confirmationId: line.confirmationId ?? null,
    held: line.held,
    error: null,
  };
}

export function buildReceipt(detail: Detail): ErasureReceipt {
  const used = new Set<ErasureReceiptLine>();
  const systems: ReceiptSystemLine[] = [];
  for (const { step, systems: names, pending } of STEP_SYSTEMS) {
    const lines = detail.receipt.filter((l) => names.includes(l.system));
    const row = detail.steps.find((s) => s.step === step);
    if (lines.length > 0 && (!row || row.status === "succeeded")) {
      for (const l of lines) {
        used.add(l);
        systems.push(doneLine(l));
      }
      continue;
    }
    for (const l of lines) used.add(l);
    const status: ReceiptLineStatus =
      row?.status === "failed"
        ? "failed"
        : row?.status === "running"
          ? "running"
          : row?.status === "skipped"
            ? "skipped"
            : row?.status === "succeeded"
              ? "done"
              : "pending";
    systems.push({
      system: names[0]!,
      label: names.map(systemLabel).join(" / "),
      status,
      action: status === "done" ? "Done (no receipt line recorded)" : pending,
      at: status === "done" ? iso(row?.finishedAt) : null,
      confirmationId: null,
      held: null,
      error: status === "failed" ? (row?.lastError ?? "Failed") : null,
    });
  }
  // A line for a system the steps above do not name (a newer step): still on the receipt.
  for (const l of detail.receipt) if (!used.has(l)) systems.push(doneLine(l));
  const e = detail.erasure;
  return {
    erasureId: e.id,
    status: detail.status,
    requestedAt: iso(e.requestedAt)!,
    requestedBy: e.requestedBy,
    reason: e.reason ?? null,
    completedAt: iso(e.completedAt),
    stripeCancel: e.stripeCancel,
    eventId: e.eventId ?? null,
    systems,
  };
}

/** Who asked, in words: the app itself or a console user. */
export const requesterLabel = (requestedBy: string) =>
  requestedBy === "app" ? "The app (account deleted in the app)" : requestedBy;

/**
 * The receipt as plain text, for an email to the person: no internal ids beyond the erasure's reference and
 * each system's confirmation. Times in UTC so the text reads the same wherever it is pasted.
 */
export function receiptText(r: ErasureReceipt): string {
  const utc = (at: string | null) => (at ? `${at.slice(0, 16).replace("T", " ")} UTC` : "—");
  const lines = [
    `Erasure receipt ${r.erasureId}`,
    `Requested: ${utc(r.requestedAt)}`,
    `Status: ${r.status === "completed" ? `completed ${utc(r.completedAt)}` : r.status}`,
    "",
    ...r.systems.map((s) => {
      const confirmation = s.confirmationId ? ` (confirmation ${s.confirmationId})` : "";
      const when = s.status === "done" ? ` — ${utc(s.at)}` : ` — ${s.status}`;
      return `- ${s.label}: ${s.action}${confirmation}${when}`;
    }),
  ];
  return `${lines.join("\n")}\n`;
}

/** An erasure in the list (admin API and /erasures): when, who asked, status, and each system's outcome so far. */
export function erasureListRow(
  e: Pick<Erasure, "id" | "requestedAt" | "requestedBy" | "reason" | "completedAt" | "receipt"> & {
    statusView: ErasureReceipt["status"];
  },
) {
  return {
    erasureId: e.id,
    status: e.statusView,
    requestedAt: iso(e.requestedAt)!,
    requestedBy: e.requestedBy,
    reason: e.reason ?? null,
    completedAt: iso(e.completedAt),
    systems: e.receipt.map((l) => ({ system: l.system, label: systemLabel(l.system), held: l.held, at: l.at })),
  };
}

export type ErasureListItem = ReturnType<typeof erasureListRow>;
