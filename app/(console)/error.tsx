"use client";
// A console page failed to load (a query threw, the database did not answer, …). Shown inside the console
// layout, so the sidebar stays. In production a server error reaches the browser without its message,
// only a `digest` that Next also prints with the error in the server's log: that is the reference to quote.
import Link from "next/link";
import { useEffect } from "react";
import { Button, buttonClasses } from "@/components/ui/button";

export default function ConsoleError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = digestOf(error);
  // A client-side error keeps its message (no digest): show it, it is what a bug report needs.
  const detail = !digest && error instanceof Error && error.message ? error.message : undefined;

  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <div
      role="alert"
      className="mx-auto mt-10 max-w-lg rounded-lg border border-slate-200 bg-white px-6 py-10 text-center"
    >
      <h1 className="text-xl font-semibold">Something went wrong loading this page</h1>
      <p className="mt-2 text-sm text-slate-600">
        This is often temporary (the database or an integration did not answer in time): try again. If it keeps
        happening, send the reference below to whoever runs this console; it points to the error in the server log.
      </p>
      {digest ? (
        <p className="mt-4 text-sm text-slate-600">
          Reference{" "}
          <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800 select-all">
            {digest}
          </code>
        </p>
      ) : null}
      {detail ? <p className="mt-4 font-mono text-xs break-words text-slate-500">{detail}</p> : null}
      <div className="mt-6 flex justify-center gap-3">
        {/* retry() fetches the page from the server again; reset() would only re-render what already failed. */}
        <Button variant="primary" onClick={() => retry()}>
          Try again
        </Button>
        <Link href="/" className={buttonClasses("secondary", "md")}>
          Go to the overview
        </Link>
      </div>
    </div>
  );
}

function digestOf(error: unknown): string | undefined {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && digest ? digest : undefined;
}
