"use client";
// "Fetch missed Stripe events" (rendered for admins only; the action checks the role again): reads Stripe's
// events API from the last run's cursor, stores and queues what never arrived, and says how it went in a toast.
import { useTransition } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { type BackfillActionResult, backfillStripeAction } from "@/lib/actions/backfill-action";

function announce(result: BackfillActionResult) {
  if (!result.ok) {
    if (result.status === 409) toast.info("A Stripe backfill is already running", { description: result.error });
    else toast.error("Could not fetch missed Stripe events", { description: result.error });
    return;
  }
  const title = result.stored
    ? `Fetched ${result.stored} missed Stripe event${result.stored === 1 ? "" : "s"}`
    : "No missed Stripe events";
  const description = `${result.fetched} read, ${result.stored} new, ${result.alreadyHad} already here. ${result.message}`;
  if (result.olderThanWindow) toast.warning(title, { description });
  else if (result.stored) toast.success(title, { description: `${description} They are being processed now.` });
  else toast.info(title, { description });
}

export function BackfillButton() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const run = () =>
    startTransition(async () => {
      announce(await backfillStripeAction());
      router.refresh();
    });
  return (
    <Button
      onClick={run}
      disabled={pending}
      aria-busy={pending}
      title="Read Stripe's events API for deliveries that never reached this console (kept by Stripe for 30 days)"
    >
      {pending ? "Fetching…" : "Fetch missed Stripe events"}
    </Button>
  );
}
