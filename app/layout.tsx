import type { Metadata } from "next";
import { headers } from "next/headers";
import { connection } from "next/server";
import { ThemeProvider } from "@/components/ui/theme-provider";
import { Toaster } from "@/components/ui/toaster";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Founder Ops", template: "%s · Founder Ops" },
  description: "Stripe, HubSpot and Zendesk kept in step with your app, with every sync visible and replayable.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request, Next's own 404 included: the Content-Security-Policy of proxy.ts
  // admits only scripts carrying this response's nonce, which Next stamps on them while rendering, so a
  // page prerendered at build time would have scripts the browser refuses.
  await connection();
  // next-themes' inline script (it sets the dark class before the first paint) needs the same nonce.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    // suppressHydrationWarning: next-themes sets class and color-scheme on <html> before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen font-sans">
        <ThemeProvider nonce={nonce}>
          {children}
          <Toaster />
        </ThemeProvider>
      </body>
    </html>
  );
}
