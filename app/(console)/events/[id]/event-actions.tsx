"use client";
// Replay buttons of the event detail (rendered for admins only; the actions check the role again):
// replay the failed steps, or the whole event after a confirmation. A toast tells the outcome.
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { replayEventAction, type ReplayEventActionResult } from "@/lib/actions/replay-event-action";
import type { EventStatus } from "@/db/schema";

type Props = { eventId: string; type: string; status: EventStatus };

function announce(result: ReplayEventActionResult, force: boolean) {
  if (!result.ok) {
    toast.error(result.status === 403 ? "You cannot replay events" : "Replay refused", { description: result.error });
    return;
  }
  const { outcome } = result;
  const what = force ? "Whole event replayed" : "Failed steps replayed";
  if (outcome.status === "succeeded") toast.success(`${what}: the event succeeded`);
  else if (outcome.status === "failed") toast.error(`${what}, but it failed again`, { description: outcome.error });
  else if (outcome.status === "queued")
    toast.info("Replay queued", {
      description: "The job engine will run it shortly; this page shows the steps as they finish.",
    });
  else if (outcome.status === "ignored") toast.info(`${what}: nothing to do for this event type`);
  else if (outcome.status === "waiting")
    toast.info("Replay waiting for an earlier event of this customer", {
      description: "It runs by itself as soon as that one finishes.",
    });
  else toast.info("The event is already being processed", { description: "Wait for it to finish, then look again." });
}

export function EventActions({ eventId, type, status }: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [running, setRunning] = useState<"failed" | "all" | null>(null);
  const [confirming, setConfirming] = useState(false);

  const replay = (force: boolean) => {
    setRunning(force ? "all" : "failed");
    startTransition(async () => {
      const result = await replayEventAction(eventId, force);
      announce(result, force);
      setConfirming(false);
      setRunning(null);
      router.refresh();
    });
  };

  if (status === "received" || status === "processing") {
    return <p className="max-w-56 text-sm text-slate-600">Replay is available once this event finishes processing.</p>;
  }
  return (
    <div className="flex flex-wrap items-center gap-2">
      {status === "failed" ? (
        <Button variant="primary" onClick={() => replay(false)} disabled={pending} aria-busy={running === "failed"}>
          {running === "failed" ? "Replaying…" : "Replay failed steps"}
        </Button>
      ) : null}
      <Button onClick={() => setConfirming(true)} disabled={pending}>
        Replay whole event
      </Button>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={() => replay(true)}
        busy={running === "all"}
        title="Replay the whole event?"
        confirmLabel="Replay every step"
      >
        <p>
          Every step of this <code className="font-mono text-[13px]">{type}</code> event runs again, including the ones
          that already succeeded.
        </p>
        <p>
          Each step is idempotent: contacts are upserted by app user id, tickets keep their reference and entitlements
          only move forward, so nothing is created twice. Use it after fixing data, not to retry a failure (that is
          “Replay failed steps”).
        </p>
      </ConfirmDialog>
    </div>
  );
}
