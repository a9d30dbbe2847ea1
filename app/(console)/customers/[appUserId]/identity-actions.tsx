"use client";
// Buttons on one identity row: confirm an email match, or unlink it (after a confirmation dialog).
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { confirmIdentityAction } from "@/lib/actions/confirm-identity-action";
import { unlinkIdentityAction } from "@/lib/actions/unlink-identity-action";
import type { IdentityTarget } from "@/lib/commands/customers";

type Props = { target: IdentityTarget; label: string; canConfirm: boolean; customerName: string };

export function IdentityActions({ target, label, canConfirm, customerName }: Props) {
  const [pending, start] = useTransition();
  const [confirmingUnlink, setConfirmingUnlink] = useState(false);

  const confirm = () =>
    start(async () => {
      const result = await confirmIdentityAction(target);
      if (result.ok) toast.success(result.message);
      else toast.error(result.error);
    });
  const unlink = () =>
    start(async () => {
      const result = await unlinkIdentityAction(target);
      setConfirmingUnlink(false);
      if (result.ok) toast.success(result.message);
      else toast.error(result.error);
    });

  return (
    <div className="flex justify-end gap-1.5">
      {canConfirm ? (
        <Button
          size="sm"
          onClick={confirm}
          disabled={pending}
          aria-label={`Confirm ${label} match ${target.externalId}`}
        >
          Confirm match
        </Button>
      ) : null}
      <Button
        size="sm"
        variant="ghost"
        onClick={() => setConfirmingUnlink(true)}
        disabled={pending}
        aria-label={`Unlink ${label} ${target.externalId}`}
      >
        Unlink
      </Button>
      <ConfirmDialog
        open={confirmingUnlink}
        onClose={() => setConfirmingUnlink(false)}
        onConfirm={unlink}
        title={`Unlink ${label} ${target.externalId}?`}
        confirmLabel="Unlink"
        confirmVariant="danger"
        busy={pending}
      >
        <p>
          {customerName} will no longer be linked to this {label} record. Nothing changes in {label} itself. You can
          link the right record by hand afterwards.
        </p>
      </ConfirmDialog>
    </div>
  );
}
