// Pass / Warning / Fail in the colour of its meaning (with a dot and a word, never colour alone).
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import type { CheckStatus } from "@/lib/readiness";

const LOOK: Record<CheckStatus, { variant: BadgeVariant; label: string }> = {
  pass: { variant: "success", label: "Pass" },
  warn: { variant: "warning", label: "Warning" },
  fail: { variant: "danger", label: "Fail" },
};

export function CheckStatusBadge({ status }: { status: CheckStatus }) {
  const { variant, label } = LOOK[status];
  return <Badge variant={variant}>{label}</Badge>;
}
