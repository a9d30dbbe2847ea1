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
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}
