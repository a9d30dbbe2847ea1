"use client";
// "Copy receipt" (plain text, to paste into the reply to the person) and "Download receipt" (the JSON the admin
// API answers, as a file). The copy says so for a moment; a browser that refuses the clipboard says that too.
import { useState } from "react";
import { Button, buttonClasses } from "@/components/ui/button";

export function ReceiptActions({ erasureId, text }: { erasureId: string; text: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
    setTimeout(() => setCopied(null), 2_500);
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button onClick={copy}>{copied === "yes" ? "Copied" : "Copy receipt"}</Button>
      <a href={`/api/admin/erasures/${erasureId}?download=1`} download className={buttonClasses("secondary")}>
        Download receipt
      </a>
      <span role="status" aria-live="polite" className="sr-only">
        {copied === "yes"
          ? "Receipt copied to the clipboard"
          : copied === "failed"
            ? "Could not copy: select the text instead"
            : ""}
      </span>
      {copied === "failed" ? <span className="text-sm text-red-700">The browser refused the clipboard.</span> : null}
    </div>
  );
}
