// Server actions as the browser calls them: the build's action ids (server-reference-manifest.json), a
// POST to a page that serves the action with the Next-Action header, and arguments in React's reply encoding.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { send, type Reply } from "./webhooks";

const require = createRequire(import.meta.url);

export function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

export type Action = { id: string; name: string; page: string };

/** The build's server actions and a page that serves each (from server-reference-manifest.json). */
export function serverActions(distDir: string): Action[] {
  const file = path.join(distDir, "server", "server-reference-manifest.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as {
    node: Record<string, { exportedName?: string; workers: Record<string, unknown> }>;
  };
  return Object.entries(manifest.node).map(([id, entry]) => {
    const worker = Object.keys(entry.workers)[0] ?? "app/page";
    const page =
      worker
        .replace(/^app/, "")
        .replace(/\/page$/, "")
        .replace(/\/\([^)]+\)/g, "") || "/";
    return { id, name: entry.exportedName ?? id, page };
  });
}

export async function callAction(
  base: string,
  page: string,
  id: string,
  args: unknown[],
  cookie: string | undefined,
  forwardedFor: string,
): Promise<Reply> {
  const { encodeReply } = require("next/dist/compiled/react-server-dom-turbopack/client.edge.js") as {
    encodeReply: (v: unknown) => Promise<string | FormData>;
  };
  const body = await encodeReply(args);
  const headers: Record<string, string> = {
    "next-action": id,
    accept: "text/x-component",
    origin: base,
    "x-forwarded-for": forwardedFor,
  };
  if (typeof body === "string") headers["content-type"] = "text/plain;charset=UTF-8";
  if (cookie) headers.cookie = cookie;
  return send(`${base}${page}`, { headers, body });
}
