"use client";
// "Re-sync to CRM": writes the customer's current record to HubSpot now, and says what happened.
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { resyncCustomerAction } from "@/lib/actions/resync-customer-action";

export function ResyncButton({ appUserId }: { appUserId: string }) {
  const [pending, start] = useTransition();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const resync = () =>
    start(async () => {
      const result = await resyncCustomerAction({ appUserId });
      setOutcome(result.ok ? { ok: true, text: result.message } : { ok: false, text: result.error });
      if (result.ok) toast.success(result.message);
      else toast.error("Re-sync to CRM failed", { description: result.error });
    });
  return (
    <div className="flex flex-col items-end gap-1">
      <Button
        variant="primary"
        onClick={resync}
        disabled={pending}
        aria-busy={pending}
        aria-describedby="resync-outcome"
      >
        {pending ? "Syncing to HubSpot…" : "Re-sync to CRM"}
      </Button>
      <p
        id="resync-outcome"
        role="status"
        aria-live="polite"
        className={`max-w-xs text-right text-xs ${outcome?.ok === false ? "text-red-700" : "text-slate-600"}`}
      >
        {outcome?.text ?? ""}
      </p>
    </div>
  );
}
