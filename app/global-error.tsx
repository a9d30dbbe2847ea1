"use client";
// The last resort: the root layout or the console layout itself failed (e.g. the session lookup could not
// reach the database). It replaces the root layout, so it brings its own <html>, <body> and styles, and
// links with a plain <a> so the retry is a full page load.
import { useEffect } from "react";
import { Button, buttonClasses } from "@/components/ui/button";
import "./globals.css";

export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = (error as { digest?: unknown } | null)?.digest;

  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <title>Something went wrong · Founder Ops</title>
        <main
          role="alert"
          className="mx-auto mt-24 max-w-lg rounded-lg border border-slate-200 bg-white px-6 py-10 text-center"
        >
          <p className="mb-4 text-base font-semibold tracking-tight">Founder Ops</p>
          <h1 className="text-xl font-semibold">Something went wrong loading this page</h1>
          <p className="mt-2 text-sm text-slate-600">
            The console could not start this page, often because the database did not answer. Try again in a moment; if
            it keeps happening, send the reference below to whoever runs this console.
          </p>
          {typeof digest === "string" && digest ? (
            <p className="mt-4 text-sm text-slate-600">
              Reference{" "}
              <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800 select-all">
                {digest}
              </code>
            </p>
          ) : null}
          <div className="mt-6 flex justify-center gap-3">
            <Button variant="primary" onClick={() => retry()}>
              Try again
            </Button>
            <a href="/" className={buttonClasses("secondary", "md")}>
              Go to the overview
            </a>
          </div>
        </main>
      </body>
    </html>
  );
}
