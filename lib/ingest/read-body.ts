// Reads a request body as text up to a size cap, without trusting Content-Length alone.
export const MAX_WEBHOOK_BYTES = 256 * 1024;

export class BodyTooLargeError extends Error {
  constructor(public readonly limit: number) {
    super(`Body exceeds ${limit} bytes.`);
  }
}

export async function readBodyCapped(req: Request, limit = MAX_WEBHOOK_BYTES): Promise<string> {
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  if (!req.body) return "";
  // With a declared length the HTTP parser itself stops the body there: read it in one go (the fast path).
  if (Number.isFinite(declared) && req.headers.has("content-length")) {
    const bytes = Buffer.from(await req.arrayBuffer());
    if (bytes.byteLength > limit) throw new BodyTooLargeError(limit); // a Request made in-process is not parsed by HTTP
    return bytes.toString("utf8");
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
