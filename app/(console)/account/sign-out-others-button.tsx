"use client";
// "Sign out everywhere else": ends every other session of the signed-in user after a confirmation.
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { signOutOthersAction } from "@/lib/actions/sign-out-others-action";

export function SignOutOthersButton({ others }: { others: number }) {
  const [open, setOpen] = useState(false);
  const [pending, start] = useTransition();
  const run = () =>
    start(async () => {
      const result = await signOutOthersAction();
      setOpen(false);
      if (result.ok) toast.success(result.message);
      else toast.error(result.error);
    });
  return (
    <>
      <Button size="sm" disabled={others === 0} onClick={() => setOpen(true)}>
        Sign out everywhere else
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        onConfirm={run}
        title="Sign out everywhere else?"
        confirmLabel={`Sign out ${others} other session${others === 1 ? "" : "s"}`}
        confirmVariant="danger"
        busy={pending}
      >
        <p>Every other browser signed in as you is signed out at once. This one stays signed in.</p>
      </ConfirmDialog>
    </>
  );
}
