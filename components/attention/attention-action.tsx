"use client";
// The one button of a needs-attention item (admins only: the page renders none for viewers, and each server
// action checks the role again). A toast says what happened; the overview refreshes, so a fixed problem
// leaves the list.
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { acknowledgeAlertAction } from "@/lib/actions/acknowledge-alert-action";
import { confirmClaimAction } from "@/lib/actions/claim-actions";
import { confirmIdentityAction } from "@/lib/actions/confirm-identity-action";
import { repairDriftAction } from "@/lib/actions/drift-actions";
import { replayEventAction } from "@/lib/actions/replay-event-action";
import type { IdentityTarget } from "@/lib/commands/customers";

export type AttentionActionSpec =
  | { type: "replay"; eventId: string }
  | { type: "acknowledge"; alertId: string }
  | { type: "confirm-match"; target: IdentityTarget }
  | { type: "confirm-claim"; provisionalKey: string; appUserId: string; who: string }
  | { type: "repair-drift"; findingId: string };

const LABELS: Record<AttentionActionSpec["type"], string> = {
  replay: "Replay",
  acknowledge: "Acknowledge",
  "confirm-match": "Confirm match",
  "confirm-claim": "Confirm it's them",
  "repair-drift": "Repair",
};

async function run(spec: AttentionActionSpec): Promise<{ ok: boolean; text: string }> {
  switch (spec.type) {
    case "replay": {
      const r = await replayEventAction(spec.eventId, false);
      if (!r.ok) return { ok: false, text: r.error };
      const status = r.outcome.status;
      if (status === "failed") return { ok: false, text: "The replay ran and the step failed again: open the event." };
      return { ok: true, text: status === "queued" ? "Replay queued." : "Replayed: the event succeeded." };
    }
    case "acknowledge": {
      const r = await acknowledgeAlertAction(spec.alertId);
      return r.ok
        ? { ok: true, text: r.changed ? "Alert acknowledged." : "Already acknowledged." }
        : { ok: false, text: r.error };
    }
    case "confirm-match": {
      const r = await confirmIdentityAction(spec.target);
      return r.ok ? { ok: true, text: r.message } : { ok: false, text: r.error };
    }
    case "confirm-claim": {
      const r = await confirmClaimAction({ provisionalKey: spec.provisionalKey, appUserId: spec.appUserId });
      return r.ok ? { ok: true, text: r.message } : { ok: false, text: r.error };
    }
    case "repair-drift": {
      const r = await repairDriftAction({ id: spec.findingId });
      return r.ok ? { ok: true, text: r.message } : { ok: false, text: r.error };
    }
  }
}

export function AttentionAction({ spec, subject }: { spec: AttentionActionSpec; subject: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [asking, setAsking] = useState(false);
  const label = LABELS[spec.type];
  const go = () =>
    start(async () => {
      const result = await run(spec);
      setAsking(false);
      if (result.ok) toast.success(result.text, { description: subject });
      else toast.error(result.text, { description: subject });
      router.refresh();
    });
  // Merging a payer into an app user cannot be undone from here: ask first. The other actions are safe to repeat.
  const needsConfirmation = spec.type === "confirm-claim";
  return (
    <>
      <Button
        size="sm"
        variant={spec.type === "replay" ? "primary" : "secondary"}
        disabled={pending}
        aria-busy={pending}
        aria-label={`${label}: ${subject}`}
        onClick={() => (needsConfirmation ? setAsking(true) : go())}
      >
        {pending ? "Working…" : label}
      </Button>
      {needsConfirmation ? (
        <ConfirmDialog
          open={asking}
          onClose={() => setAsking(false)}
          onConfirm={go}
          title="Merge this payer into the app user?"
          confirmLabel="Confirm it's them"
          busy={pending}
        >
          <p>
            {spec.who} paid in Stripe under an email the app has not verified. Confirming merges the payment,
            entitlement and tickets into their customer and grants what they paid for.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
