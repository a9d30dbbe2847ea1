"use client";
// The "Recover payment" buttons: each runs one recovery action (retry payment asks first), shows it is
// working, then says what happened; a button that does not apply is disabled and says why.
import { useId, useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { runRecoveryActionAction } from "@/lib/actions/recovery-actions";
import type { RecoveryOptions } from "@/lib/commands/recovery";

type Kind = keyof RecoveryOptions;

const LABELS: Record<Kind, { idle: string; busy: string }> = {
  card_update_link: { idle: "Send card-update link", busy: "Sending the link…" },
  retry_payment: { idle: "Retry payment now", busy: "Retrying the payment…" },
  resend_receipt: { idle: "Resend receipt", busy: "Resending the receipt…" },
};
const ORDER: Kind[] = ["card_update_link", "retry_payment", "resend_receipt"];

type Props = { appUserId: string; options: RecoveryOptions; email: string | null };

export function RecoveryButtons({ appUserId, options, email }: Props) {
  const [pending, start] = useTransition();
  const [running, setRunning] = useState<Kind | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const baseId = useId();

  const run = (kind: Kind) =>
    start(async () => {
      setRunning(kind);
      setConfirming(false);
      const result = await runRecoveryActionAction({ appUserId, kind });
      setRunning(null);
      if (!result.ok) {
        setOutcome({ ok: false, text: result.error });
        toast.error(`${LABELS[kind].idle} failed`, { description: result.error });
        return;
      }
      const failed = result.action.status === "failed";
      setOutcome({ ok: !failed, text: `${result.message} · just now · by you` });
      if (failed) toast.error(`${LABELS[kind].idle} failed`, { description: result.action.error ?? undefined });
      else toast.success(result.message);
    });

  return (
    <div className="mt-4">
      <div className="flex flex-wrap gap-3">
        {ORDER.map((kind) => {
          const option = options[kind];
          const reasonId = `${baseId}-${kind}-reason`;
          return (
            <div key={kind} className="flex max-w-56 flex-col gap-1">
              <Button
                variant={kind === "card_update_link" ? "primary" : "secondary"}
                disabled={!option.available || pending}
                aria-busy={running === kind}
                aria-describedby={option.available ? `${baseId}-outcome` : reasonId}
                onClick={() => (kind === "retry_payment" ? setConfirming(true) : run(kind))}
              >
                {running === kind ? LABELS[kind].busy : LABELS[kind].idle}
              </Button>
              {option.available ? null : (
                <p id={reasonId} className="text-xs text-slate-500">
                  {option.reason}
                </p>
              )}
            </div>
          );
        })}
      </div>
      <p
        id={`${baseId}-outcome`}
        role="status"
        aria-live="polite"
        className={`mt-2 text-sm ${outcome?.ok === false ? "text-red-700" : "text-slate-700"}`}
      >
        {outcome?.text ?? ""}
      </p>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={() => run("retry_payment")}
        title="Retry the payment now?"
        confirmLabel="Charge now"
        busy={running === "retry_payment"}
      >
        <p>
          Stripe charges the open invoice now with the payment method on file
          {email ? ` for ${email}` : ""}. A declined card is recorded here; Stripe's own retries continue.
        </p>
      </ConfirmDialog>
    </div>
  );
}
