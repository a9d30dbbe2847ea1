"use client";
// A modal confirmation on the native <dialog>: showModal() makes the page behind it inert (focus stays
// inside), Escape closes it, and the title and description name it for screen readers. Cancel takes
// focus when it opens, so a stray Enter never confirms.
import { useEffect, useId, useRef } from "react";
import { Button, type ButtonVariant } from "./button";

type Props = {
  open: boolean;
  /** Called on Cancel, Escape or a click on the backdrop; not while `busy`. */
  onClose: () => void;
  onConfirm: () => void;
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  confirmVariant?: ButtonVariant;
  /** Disables the confirm button (e.g. while the count is loading or when there is nothing to do). */
  confirmDisabled?: boolean;
  busy?: boolean;
};

export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  children,
  confirmLabel,
  confirmVariant = "primary",
  confirmDisabled,
  busy,
}: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLButtonElement>("[data-autofocus]")?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-xl border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-black/50"
      onCancel={(e) => {
        // Escape: let React state decide, so the dialog and `open` never disagree.
        e.preventDefault();
        if (!busy) onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current && !busy) onClose();
      }}
      onKeyDown={(e) => {
        // A modal <dialog> lets Tab leave for the browser's own controls: keep it cycling inside.
        if (e.key !== "Tab" || !ref.current) return;
        const focusable = [...ref.current.querySelectorAll<HTMLElement>("button, a[href], input, select, textarea")];
        const first = focusable[0];
        const last = focusable[focusable.length - 1];
        if (!first || !last) return;
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }}
    >
      <div className="p-5">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        <div id={bodyId} className="mt-2 space-y-2 text-sm text-slate-700">
          {children}
        </div>
      </div>
      <div className="flex justify-end gap-2 rounded-b-xl border-t border-slate-200 bg-slate-50 px-5 py-3">
        <Button data-autofocus onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button variant={confirmVariant} onClick={onConfirm} disabled={confirmDisabled || busy} aria-busy={busy}>
          {busy ? "Working…" : confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}
