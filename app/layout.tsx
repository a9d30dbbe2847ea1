import type { Metadata } from "next";
import { connection } from "next/server";
import { Toaster } from "sonner";
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
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        {children}
        <Toaster position="bottom-right" richColors closeButton />
      </body>
    </html>
  );
}
