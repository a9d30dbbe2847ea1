// What every webhook route does before it looks at the body: the per-source rate limit, then the raw
// body read up to the size cap. Either the body, or the response that refuses the request (recorded in
// rejected_deliveries when the route is named: see ./rejections.ts).
import { throttle } from "@/lib/auth/rate-limit";
import { BodyTooLargeError, readBodyCapped } from "./read-body";
import { recordRejection, refuse } from "./rejections";
import { jsonError } from "./respond";

export type Prelude = { ok: true; body: string } | { ok: false; response: Response };

export async function webhookPrelude(req: Request, route?: string): Promise<Prelude> {
  const throttled = await throttle("webhook", req);
  if (throttled) {
    if (route) recordRejection(req, { route, reason: "rate_limited", status: throttled.status });
    return { ok: false, response: throttled };
  }
  try {
    return { ok: true, body: await readBodyCapped(req) };
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      const message = `Payload too large: the limit is ${err.limit} bytes.`;
      return {
        ok: false,
        response: route ? refuse(req, { route, reason: "too_large", status: 413 }, message) : jsonError(413, message),
      };
    }
    throw err;
  }
}
