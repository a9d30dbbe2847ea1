"use client";
// Sonner's toasts in the console's theme (the one next-themes resolved, not only the system's).
import { useTheme } from "next-themes";
import { Toaster as Sonner } from "sonner";

export function Toaster() {
  const { resolvedTheme } = useTheme();
  return <Sonner position="bottom-right" richColors closeButton theme={resolvedTheme === "dark" ? "dark" : "light"} />;
}
