"use client";
// While an event is still received/processing, refreshes the page every couple of seconds so the steps
// fill in without a reload; stops once it has finished (the server renders the final state) or after 2 min.
import { useEffect } from "react";
import { useRouter } from "next/navigation";

const EVERY_MS = 1_500;
const FOR_MS = 120_000;

export function EventAutoRefresh({ active }: { active: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const until = Date.now() + FOR_MS;
    const timer = setInterval(() => {
      if (Date.now() > until) clearInterval(timer);
      else router.refresh();
    }, EVERY_MS);
    return () => clearInterval(timer);
  }, [active, router]);
  return active ? (
    <p role="status" className="text-sm text-sky-800">
      Processing… this page updates on its own.
    </p>
  ) : null;
}
