"use client";
// The buttons of a claim waiting for the founder: merge the payer into the app user, or clear the claim.
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { confirmClaimAction, rejectClaimAction } from "@/lib/actions/claim-actions";
import type { ClaimTarget } from "@/lib/commands/claims";

type Props = { target: ClaimTarget; goToAppUser: boolean };

export function ClaimActions({ target, goToAppUser }: Props) {
  const [pending, start] = useTransition();
  const router = useRouter();
  const confirm = () =>
    start(async () => {
      const result = await confirmClaimAction(target);
      if (!result.ok) return void toast.error(result.error);
      toast.success(result.message);
      // The payer's page no longer exists once merged: show the customer it became.
      if (goToAppUser) router.push(`/customers/${encodeURIComponent(target.appUserId)}`);
    });
  const reject = () =>
    start(async () => {
      const result = await rejectClaimAction(target);
      if (result.ok) toast.success(result.message);
      else toast.error(result.error);
    });
  return (
    <div className="flex flex-wrap gap-2">
      <Button size="sm" variant="primary" onClick={confirm} disabled={pending}>
        Confirm: it is {target.appUserId}
      </Button>
      <Button size="sm" variant="ghost" onClick={reject} disabled={pending}>
        Not the same person
      </Button>
    </div>
  );
}
