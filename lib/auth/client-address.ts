// The caller's address for rate limits: first X-Forwarded-For hop (set by the proxy in front), else X-Real-IP.
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip")?.trim() || "local";
}
