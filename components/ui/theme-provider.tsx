"use client";
// next-themes on the `class` attribute: the system preference until the user picks light or dark in
// the navigation, remembered in localStorage ("theme"). Its inline script sets the class before the
// first paint (no flash) and carries the request's CSP nonce.
import { ThemeProvider as NextThemesProvider } from "next-themes";

export function ThemeProvider({ nonce, children }: { nonce?: string; children: React.ReactNode }) {
  return (
    <NextThemesProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange nonce={nonce}>
      {children}
    </NextThemesProvider>
  );
}
