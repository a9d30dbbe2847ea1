"use client";
// Acknowledge / Resolve on one alert row (admins only; the actions check the role again). A toast says
// what happened, and the list refreshes with the alert's new state.
import { useTransition } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { acknowledgeAlertAction } from "@/lib/actions/acknowledge-alert-action";
import { resolveAlertAction } from "@/lib/actions/resolve-alert-action";

type Props = { alertId: string; title: string; status: "open" | "acknowledged" | "resolved" };

export function AlertActions({ alertId, title, status }: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  if (status === "resolved") return <span className="sr-only">No actions: resolved</span>;

  const run = (verb: "acknowledge" | "resolve") =>
    startTransition(async () => {
      const result = verb === "acknowledge" ? await acknowledgeAlertAction(alertId) : await resolveAlertAction(alertId);
      if (!result.ok) {
        toast.error(result.status === 403 ? "You cannot change alerts" : `Could not ${verb} the alert`, {
          description: result.error,
        });
      } else if (!result.changed) {
        toast.info(verb === "acknowledge" ? "Already acknowledged" : "Already resolved", { description: title });
      } else {
        toast.success(verb === "acknowledge" ? "Alert acknowledged" : "Alert resolved", { description: title });
      }
      router.refresh();
    });

  return (
    <span className="flex flex-col items-stretch gap-1.5">
      {status === "open" ? (
        <Button
          size="sm"
          variant="secondary"
          disabled={pending}
          onClick={() => run("acknowledge")}
          aria-label={`Acknowledge: ${title}`}
          title="Someone is on it"
        >
          Acknowledge
        </Button>
      ) : null}
      <Button
        size="sm"
        variant="secondary"
        disabled={pending}
        onClick={() => run("resolve")}
        aria-label={`Resolve: ${title}`}
        title="The problem is fixed"
      >
        Resolve
      </Button>
    </span>
  );
}
