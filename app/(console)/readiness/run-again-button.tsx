"use client";
// Runs the checks again: re-renders the page on the server, saying so while the network checks run.
import { useTransition } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";

export function RunAgainButton() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <Button onClick={() => startTransition(() => router.refresh())} disabled={pending} aria-live="polite">
      {pending ? (
        <>
          <span
            aria-hidden
            className="size-3.5 animate-spin rounded-full border-2 border-slate-300 border-t-slate-700"
          />
          Running checks…
        </>
      ) : (
        "Run again"
      )}
    </Button>
  );
}
