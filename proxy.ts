// Every page request: a fresh nonce and the Content-Security-Policy that allows only scripts carrying it.
// Next reads the nonce from the request's CSP header and stamps its own scripts with it while rendering
// (app/layout.tsx keeps every page rendered per request); `x-nonce` is there for a component that needs it,
// e.g. a <Script nonce>. Console pages visited without a session cookie are redirected early to /sign-in;
// the pages still verify the session themselves. The other security headers come from next.config.ts and
// server.ts (lib/http/security-headers.ts).
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, createNonce } from "@/lib/http/security-headers";

const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

/** Pages anyone may open: they get the CSP but no redirect. */
const PUBLIC_PAGES = /^\/sign-in(?:\/|$)/;

export function proxy(req: NextRequest) {
  const nonce = createNonce();
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development" });
  let res: NextResponse;
  if (PUBLIC_PAGES.test(req.nextUrl.pathname) || SESSION_COOKIES.some((name) => req.cookies.has(name))) {
    const headers = new Headers(req.headers);
    headers.set("x-nonce", nonce);
    headers.set("content-security-policy", csp);
    res = NextResponse.next({ request: { headers } });
  } else {
    const url = req.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = `?callbackUrl=${encodeURIComponent(req.nextUrl.pathname + req.nextUrl.search)}`;
    res = NextResponse.redirect(url);
  }
  res.headers.set("content-security-policy", csp);
  return res;
}

export const config = {
  // Every page, the sign-in page included (its form must not be framed or scripted), but not the API (it
  // answers 401 JSON itself) nor static assets.
  matcher: ["/((?!api/|_next/|favicon.ico|icon.svg|robots.txt).*)"],
};
