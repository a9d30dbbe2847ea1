"use client";
// "Import existing Stripe customers" (admins): customers who paid before the console was installed get their
// customer, entitlement and HubSpot contact through the pipeline. Shows where the import stands; a paused
// import goes on from its last page.
import { useTransition } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { importStripeAction } from "@/lib/actions/import-action";

export type ImportStatus = {
  running: boolean;
  done: boolean | null;
  customers: number;
  queued: number;
  waiting: number;
  failed: number;
};

export function ImportPanel({ status, canRun }: { status: ImportStatus; canRun: boolean }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const run = () =>
    start(async () => {
      const result = await importStripeAction();
      if (!result.ok) toast.error("The import did not run", { description: result.error });
      else
        toast.success(result.done ? "Stripe customers imported" : "Import paused: run it again", {
          description: result.message,
        });
      router.refresh();
    });
  const never = status.done === null;
  return (
    <div className="flex flex-col items-end gap-1 text-right">
      {canRun ? (
        <Button onClick={run} disabled={pending || status.running} aria-busy={pending}>
          {pending || status.running
            ? "Importing…"
            : never || status.done
              ? "Import existing Stripe customers"
              : "Continue the Stripe import"}
        </Button>
      ) : null}
      <p className="max-w-72 text-xs text-slate-500" aria-live="polite">
        {never
          ? "Brings in customers who paid before the console was installed."
          : `${status.customers} Stripe customers read${status.done ? "" : " so far"}; ${status.waiting} waiting for the pipeline${status.failed ? `, ${status.failed} failed (see Events)` : ""}.`}
      </p>
    </div>
  );
}
