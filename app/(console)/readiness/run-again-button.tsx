"use client";
// Runs the network checks again (admins only: the action refuses anyone else), then re-renders the page,
// saying so while the checks run.
import { useTransition } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { rerunReadinessAction } from "@/lib/actions/rerun-readiness-action";
import { Button } from "@/components/ui/button";

export function RunAgainButton() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const runAgain = () =>
    startTransition(async () => {
      const result = await rerunReadinessAction();
      if (!result.ok) toast.error(result.error);
      router.refresh();
    });
  return (
    <Button onClick={runAgain} disabled={pending} aria-live="polite">
      {pending ? (
        <>
          <span
            aria-hidden
            className="size-3.5 animate-spin rounded-full border-2 border-slate-300 border-t-slate-700"
          />
          Running checks…
        </>
      ) : (
        "Run again"
      )}
    </Button>
  );
}
