// Status badges: a coloured dot and the status in words, so colour is never the only signal.
import { cn } from "@/lib/utils";

export type BadgeVariant = "neutral" | "info" | "success" | "warning" | "danger" | "muted";

const VARIANTS: Record<BadgeVariant, { box: string; dot: string }> = {
  neutral: { box: "bg-slate-100 text-slate-800 ring-slate-300", dot: "bg-slate-500" },
  info: { box: "bg-sky-50 text-sky-800 ring-sky-200", dot: "bg-sky-500" },
  success: { box: "bg-emerald-50 text-emerald-800 ring-emerald-200", dot: "bg-emerald-500" },
  warning: { box: "bg-amber-50 text-amber-900 ring-amber-200", dot: "bg-amber-500" },
  danger: { box: "bg-red-50 text-red-800 ring-red-200", dot: "bg-red-500" },
  muted: { box: "bg-white text-slate-600 ring-slate-200", dot: "bg-slate-300" },
};

/** Every status the console shows (events, steps, alerts, entitlements) and how it should look. */
const STATUS_VARIANTS: Record<string, BadgeVariant> = {
  received: "neutral",
  processing: "info",
  pending: "neutral",
  running: "info",
  succeeded: "success",
  failed: "danger",
  ignored: "muted",
  skipped: "muted",
  open: "danger",
  acknowledged: "warning",
  resolved: "success",
  critical: "danger",
  warning: "warning",
  info: "info",
  none: "muted",
  incomplete: "warning",
  trialing: "info",
  active: "success",
  past_due: "warning",
  canceled: "muted",
};

export function Badge({
  variant = "neutral",
  children,
  title,
  className,
}: {
  variant?: BadgeVariant;
  children: React.ReactNode;
  title?: string;
  className?: string;
}) {
  const v = VARIANTS[variant];
  return (
    <span
      title={title}
      className={cn(
        "inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset",
        v.box,
        className,
      )}
    >
      <span aria-hidden className={cn("size-1.5 rounded-full", v.dot)} />
      {children}
    </span>
  );
}

/** `past_due` → "Past due", in the colour of its meaning. */
export function StatusBadge({ status, title, label: shown }: { status: string; title?: string; label?: string }) {
  const label = shown ?? status.charAt(0).toUpperCase() + status.slice(1).replaceAll("_", " ");
  return (
    <Badge variant={STATUS_VARIANTS[status] ?? "neutral"} title={title}>
      {label}
    </Badge>
  );
}
