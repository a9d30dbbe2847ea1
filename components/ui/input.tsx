// Text inputs and selects in one style, with a visible focus ring in both themes.
import { cn } from "@/lib/utils";

export const inputClasses =
  "h-9 w-full rounded-md border border-slate-300 bg-white px-3 text-sm text-slate-900 placeholder:text-slate-500 focus-visible:border-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-indigo-600 aria-invalid:border-red-600";

export function Input({ className, ...props }: React.ComponentProps<"input">) {
  return <input className={cn(inputClasses, className)} {...props} />;
}

export function Select({ className, ...props }: React.ComponentProps<"select">) {
  return <select className={cn(inputClasses, "px-2", className)} {...props} />;
}

/** An inline code chip: ids, env names, keys. */
export function Code({ className, ...props }: React.ComponentProps<"code">) {
  return <code className={cn("rounded bg-slate-100 px-1 font-mono text-xs", className)} {...props} />;
}
