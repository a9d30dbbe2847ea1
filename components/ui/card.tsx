// The console's panel: a bordered surface on the page background (white in light, a dark surface in dark).
// `as="section"` for a panel named by its title (aria-labelledby), which a plain div may not carry.
import { cn } from "@/lib/utils";

export function Card({
  as: Tag = "div",
  className,
  ...props
}: React.ComponentProps<"div"> & { as?: "div" | "section" }) {
  return <Tag className={cn("rounded-lg border border-slate-200 bg-white p-5", className)} {...props} />;
}

export function CardTitle({ className, ...props }: React.ComponentProps<"h2">) {
  return <h2 className={cn("text-base font-semibold text-slate-900", className)} {...props} />;
}
