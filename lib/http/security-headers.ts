// The security headers of every response, in one place for the three ways a response leaves the server:
// next.config.ts `headers()` (what Next serves: pages, API routes, static files), server.ts (every
// response of the production server, including the webhook fast path that bypasses Next, and the HSTS
// decision, which depends on the deployment and so cannot be baked into a build), and proxy.ts (the
// per-request Content-Security-Policy of pages, with its nonce). No imports: next.config.ts loads it.

export type Header = { key: string; value: string };

/** Sent on every response: no framing (clickjacking), no MIME sniffing, no full URLs to other sites,
 *  and no camera, microphone or location for any page. */
export const BASE_SECURITY_HEADERS: readonly Header[] = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

/** Two years, subdomains included; sent only when the console is served over HTTPS (see servedOverHttps). */
export const HSTS_HEADER: Header = { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" };

/**
 * Whether the console is served over HTTPS, so that Strict-Transport-Security may be sent: a production
 * deployment (NODE_ENV=production without DEMO_MODE: `env.isProduction`), or any deployment whose public
 * APP_URL is https. Demos and development on http://localhost never get it: a browser would remember it.
 */
export function servedOverHttps(settings: { isProduction: boolean; APP_URL?: string | undefined }): boolean {
  return settings.isProduction || /^https:\/\//i.test(settings.APP_URL ?? "");
}

/** The non-CSP headers of every response. */
export function securityHeaders(opts: { https: boolean }): Header[] {
  return opts.https ? [...BASE_SECURITY_HEADERS, HSTS_HEADER] : [...BASE_SECURITY_HEADERS];
}

/** A fresh, unguessable nonce for one page response (128 random bits, base64). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The Content-Security-Policy of a page. Scripts run only with this response's nonce (Next puts it on its
 * own scripts) or when loaded by such a script ('strict-dynamic': Next's chunks); 'unsafe-eval' only under
 * `next dev`, where React uses eval for its error overlays. Styles allow 'unsafe-inline' on purpose: React
 * `style={…}` attributes (progress bars, column widths), recharts' inline SVG styles and sonner's injected
 * <style> cannot carry a nonce, and a nonce in style-src would make browsers ignore 'unsafe-inline'. Inline
 * styles cannot run script, so the XSS protection rests on script-src.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "connect-src 'self'",
  ].join("; ");
}

/** The nonce of a Content-Security-Policy value (what Next reads from the request to stamp its scripts). */
export function nonceOf(csp: string | null | undefined): string | undefined {
  return /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
}
