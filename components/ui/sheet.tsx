"use client";
// A panel that slides in from the side (the phone navigation), on Radix Dialog: focus is trapped inside
// while open and returns to the button that opened it; Escape and a tap outside close it.
import { Dialog as SheetPrimitive } from "radix-ui";
import { cn } from "@/lib/utils";

export const Sheet = SheetPrimitive.Root;
export const SheetTrigger = SheetPrimitive.Trigger;
export const SheetClose = SheetPrimitive.Close;

export function SheetContent({
  title,
  side = "left",
  className,
  children,
  ...props
}: React.ComponentProps<typeof SheetPrimitive.Content> & { title: string; side?: "left" | "right" }) {
  return (
    <SheetPrimitive.Portal>
      <SheetPrimitive.Overlay className="fixed inset-0 z-40 bg-black/50" />
      <SheetPrimitive.Content
        aria-describedby={undefined}
        className={cn(
          "fixed inset-y-0 z-50 flex w-72 max-w-[85vw] flex-col border-slate-200 bg-white p-4 text-slate-900 shadow-xl",
          side === "left" ? "left-0 border-r" : "right-0 border-l",
          className,
        )}
        {...props}
      >
        <div className="mb-4 flex items-center justify-between">
          <SheetPrimitive.Title className="px-3 text-base font-semibold tracking-tight">{title}</SheetPrimitive.Title>
          <SheetPrimitive.Close
            className="inline-flex size-9 items-center justify-center rounded-md text-slate-700 hover:bg-slate-100"
            aria-label="Close menu"
          >
            <svg aria-hidden viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
              <path d="M5 5l10 10M15 5L5 15" strokeLinecap="round" />
            </svg>
          </SheetPrimitive.Close>
        </div>
        {children}
      </SheetPrimitive.Content>
    </SheetPrimitive.Portal>
  );
}
