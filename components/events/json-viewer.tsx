"use client";
// A payload as a collapsible JSON tree (objects and arrays fold with <details>, so it works with the
// keyboard and without script), with Expand all / Collapse all and Copy of the pretty-printed text.
import { useState } from "react";
import { toast } from "sonner";

type Props = {
  /** The parsed payload; a string when the raw body was not valid JSON. */
  value: unknown;
  /** Accessible name of the tree region, e.g. "Payload of evt_123". */
  label: string;
};

/** How deep the tree opens by default: the envelope and `data`, not every nested Stripe object. */
const DEFAULT_OPEN_DEPTH = 3;

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection-based copy (plain http on a LAN address has no clipboard API)
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  return ok;
}

export function JsonViewer({ value, label }: Props) {
  const [openDepth, setOpenDepth] = useState(DEFAULT_OPEN_DEPTH);
  const [version, setVersion] = useState(0);
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  const foldable = value !== null && typeof value === "object";
  const setAll = (depth: number) => {
    setOpenDepth(depth);
    setVersion((v) => v + 1); // remount the <details> so their open state follows
  };

  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-slate-900">
      <div className="flex items-center justify-between gap-3 border-b border-slate-700 bg-slate-800 px-3 py-2 text-xs text-slate-300">
        <span>
          {typeof value === "string" ? "Raw body (not valid JSON)" : "JSON"} ·{" "}
          {new Blob([text]).size.toLocaleString("en-US")} bytes
        </span>
        <span className="flex gap-1.5">
          {foldable ? (
            <>
              <ToolbarButton onClick={() => setAll(Number.POSITIVE_INFINITY)}>Expand all</ToolbarButton>
              <ToolbarButton onClick={() => setAll(1)}>Collapse all</ToolbarButton>
            </>
          ) : null}
          <ToolbarButton
            onClick={async () =>
              (await copyText(text))
                ? toast.success("Payload copied to the clipboard")
                : toast.error("Could not copy: select the text and copy it by hand")
            }
          >
            Copy
          </ToolbarButton>
        </span>
      </div>
      <section
        aria-label={label}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be keyboard-focusable so keyboard users can scroll it.
        tabIndex={0}
        className="max-h-[36rem] overflow-auto p-4 font-mono text-xs leading-relaxed text-slate-100"
      >
        {foldable ? (
          <JsonNode key={version} value={value} depth={0} openDepth={openDepth} last />
        ) : (
          <pre className="whitespace-pre-wrap break-all">{text}</pre>
        )}
      </section>
    </div>
  );
}

/** Light on the dark header (the shared Button's colours are for light surfaces). */
function ToolbarButton({ onClick, children }: { onClick: () => void; children: React.ReactNode }) {
  return (
    <button
      type="button"
      onClick={onClick}
      className="h-7 rounded-md border border-slate-600 px-2.5 text-xs font-medium text-slate-100 hover:bg-slate-700 hover:text-white focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-400"
    >
      {children}
    </button>
  );
}

type NodeProps = { name?: string; value: unknown; depth: number; openDepth: number; last: boolean };

function JsonNode({ name, value, depth, openDepth, last }: NodeProps) {
  const key = name !== undefined ? <span className="text-sky-300">{JSON.stringify(name)}</span> : null;
  const comma = last ? "" : ",";
  if (value === null || typeof value !== "object") {
    return (
      <div className="break-all">
        {key}
        {key ? ": " : ""}
        <Primitive value={value} />
        {comma}
      </div>
    );
  }
  const entries: [string | undefined, unknown][] = Array.isArray(value)
    ? value.map((v) => [undefined, v])
    : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0) {
    return (
      <div>
        {key}
        {key ? ": " : ""}
        {open}
        {close}
        {comma}
      </div>
    );
  }
  const count = Array.isArray(value)
    ? `${entries.length} item${entries.length === 1 ? "" : "s"}`
    : `${entries.length} key${entries.length === 1 ? "" : "s"}`;
  return (
    <details open={depth < openDepth} className="group">
      <summary className="cursor-pointer list-none rounded hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-sky-400 [&::-webkit-details-marker]:hidden">
        <span aria-hidden className="inline-block w-3 text-slate-500 group-open:rotate-90">
          ▸
        </span>
        {key}
        {key ? ": " : ""}
        {open}
        <span className="text-slate-500 group-open:hidden">
          {" "}
          {count} {close}
          {comma}
        </span>
      </summary>
      <div className="ml-1.5 border-l border-slate-700 pl-4">
        {entries.map(([k, v], i) => (
          <JsonNode
            key={k ?? i}
            name={k}
            value={v}
            depth={depth + 1}
            openDepth={openDepth}
            last={i === entries.length - 1}
          />
        ))}
      </div>
      <div className="pl-3">
        {close}
        {comma}
      </div>
    </details>
  );
}

function Primitive({ value }: { value: unknown }) {
  if (typeof value === "string") return <span className="text-emerald-300">{JSON.stringify(value)}</span>;
  if (typeof value === "number") return <span className="text-amber-300">{String(value)}</span>;
  return <span className="text-violet-300">{String(value)}</span>;
}
