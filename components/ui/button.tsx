// A button in the console's few styles; forwards every native prop (type defaults to "button").
// `buttonClasses` gives the same look to a link (keeps the signature the pages already call).
import type { ButtonHTMLAttributes } from "react";
import { cva } from "class-variance-authority";
import { cn } from "@/lib/utils";
import { ButtonBase } from "./button-base";

export type ButtonVariant = "primary" | "secondary" | "ghost" | "danger";
export type ButtonSize = "sm" | "md";

export const buttonVariants = cva(
  // aria-disabled looks like disabled: a button that keeps focus while it cannot act (see `Button`).
  "inline-flex items-center justify-center gap-1.5 rounded-md font-medium whitespace-nowrap transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-60 aria-disabled:cursor-not-allowed aria-disabled:opacity-60",
  {
    variants: {
      variant: {
        primary: "bg-slate-900 text-white hover:bg-slate-700 disabled:bg-slate-400 aria-disabled:bg-slate-400",
        secondary: "border border-slate-300 bg-white text-slate-800 shadow-xs hover:bg-slate-100",
        ghost: "text-slate-700 hover:bg-slate-200/70",
        danger: "bg-red-600 text-white hover:bg-red-500 disabled:bg-red-300 aria-disabled:bg-red-300",
      } satisfies Record<ButtonVariant, string>,
      size: {
        sm: "h-8 px-2.5 text-sm",
        md: "h-9 px-3.5 text-sm",
        icon: "size-9",
      },
    },
    defaultVariants: { variant: "secondary", size: "md" },
  },
);

/** The classes of a button, for links that should look like one. */
export function buttonClasses(variant: ButtonVariant = "secondary", size: ButtonSize | "icon" = "md", extra = "") {
  return cn(buttonVariants({ variant, size }), extra);
}

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; size?: ButtonSize | "icon" };

/** The console's button; `disabled` keeps focus (see ButtonBase). Usable from server and client components. */
export function Button({ variant = "secondary", size = "md", className, type = "button", ...props }: ButtonProps) {
  return <ButtonBase type={type} className={buttonClasses(variant, size, className)} {...props} />;
}
