// `cn()`: joins class names and lets a later Tailwind class win over an earlier one of the same kind
// (a caller's `px-2` replaces the component's `px-3` instead of both landing in the class list).
import { type ClassValue, clsx } from "clsx";
import { twMerge } from "tailwind-merge";

export function cn(...inputs: ClassValue[]) {
  return twMerge(clsx(inputs));
}
