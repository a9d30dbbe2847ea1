// Node's http request/response ↔ the web Request/Response a route handler takes and gives, for the webhook
// fast path of server.ts. The body is read up to a cap: past it, the handler sees just enough bytes to
// refuse with its own 413, and the rest is read and dropped ("lingering"): a socket closed with unread
// bytes is reset, and a sender still writing its body would get EPIPE instead of our 413.
import type { IncomingMessage, ServerResponse } from "node:http";

/** How much past the cap is read and dropped before the connection is cut (the sender then sees a reset). */
export const LINGER_BYTES = 4 * 1024 * 1024;

export async function toWebRequest(
  req: IncomingMessage,
  maxBytes: number,
): Promise<{ request: Request; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const peer = req.socket?.remoteAddress;
  const declared = Number(req.headers["content-length"]);
  if (!(Number.isFinite(declared) && declared > maxBytes)) {
    // Events rather than `for await`: leaving that loop early destroys the request and its socket, and the
    // 413 could not be sent.
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.byteLength;
        if (size > maxBytes) {
          truncated = true;
          req.off("data", onData);
          let dropped = 0;
          req.on("data", (rest: Buffer) => {
            dropped += rest.byteLength;
            if (dropped > LINGER_BYTES) req.socket.destroy();
          });
          resolve();
        }
      };
      req.on("data", onData);
      req.once("end", resolve);
      req.once("error", reject);
    });
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === "content-length" || name === "transfer-encoding") continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  // What Next sets for its own routes: the direct peer, when no proxy in front said otherwise.
  if (!headers.has("x-forwarded-for") && peer) headers.set("x-forwarded-for", peer);
  if (Number.isFinite(declared) && declared > maxBytes) headers.set("content-length", String(declared)); // refused unread
  const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  if (!headers.has("content-length")) headers.set("content-length", String(body.byteLength));
  const host = req.headers.host ?? "localhost";
  const request = new Request(`http://${host}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : (body as unknown as BodyInit),
  });
  return { request, truncated };
}

export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers["content-length"] = String(body.byteLength);
  res.writeHead(response.status, headers).end(body);
}
