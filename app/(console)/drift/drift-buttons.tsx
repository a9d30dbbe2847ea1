"use client";
// The Drift page's buttons: Check now, Repair (one row) and Repair all; each says what happened.
import { useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { checkDriftAction, repairDriftAction, type DriftActionResult } from "@/lib/actions/drift-actions";

function useRun(failure: string) {
  const [pending, start] = useTransition();
  const run = (work: () => Promise<DriftActionResult>) =>
    start(async () => {
      const result = await work();
      if (result.ok) toast.success(result.message);
      else toast.error(failure, { description: result.error });
    });
  return { pending, run };
}

export function CheckNowButton() {
  const { pending, run } = useRun("The check failed");
  return (
    <Button onClick={() => run(() => checkDriftAction())} disabled={pending} aria-busy={pending}>
      {pending ? "Checking…" : "Check now"}
    </Button>
  );
}

export function RepairAllButton({ count }: { count: number }) {
  const { pending, run } = useRun("Repair all failed");
  return (
    <Button
      variant="primary"
      onClick={() => run(() => repairDriftAction({ all: true }))}
      disabled={pending}
      aria-busy={pending}
    >
      {pending ? "Repairing…" : `Repair all (${count.toLocaleString("en-US")})`}
    </Button>
  );
}

export function RepairButton({ id }: { id: string }) {
  const { pending, run } = useRun("Repair failed");
  return (
    <Button size="sm" onClick={() => run(() => repairDriftAction({ id }))} disabled={pending} aria-busy={pending}>
      {pending ? "Repairing…" : "Repair"}
    </Button>
  );
}
