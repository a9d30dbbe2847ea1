// What every webhook route does before it looks at the body: the per-source rate limit, then the raw
// body read up to the size cap. Either the body, or the response that refuses the request.
import { throttle } from "@/lib/auth/rate-limit";
import { BodyTooLargeError, readBodyCapped } from "./read-body";
import { jsonError } from "./respond";

export type Prelude = { ok: true; body: string } | { ok: false; response: Response };

export async function webhookPrelude(req: Request): Promise<Prelude> {
  const throttled = await throttle("webhook", req);
  if (throttled) return { ok: false, response: throttled };
  try {
    return { ok: true, body: await readBodyCapped(req) };
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      return { ok: false, response: jsonError(413, `Payload too large: the limit is ${err.limit} bytes.`) };
    }
    throw err;
  }
}
