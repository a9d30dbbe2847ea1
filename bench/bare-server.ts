// The ceiling reference: a bare node:http endpoint doing the same verify-and-insert as the webhook route
// (Stripe signature, JSON shape, insert ON CONFLICT DO NOTHING), without the framework.
//   usage: tsx bench/bare-server.ts <port> <database url> <webhook secret>
import http from "node:http";
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import Stripe from "stripe";

const [port, url, secret] = process.argv.slice(2);
const sql = postgres(url!, { max: 10 });

http
  .createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    try {
      const event = Stripe.webhooks.constructEvent(body, String(req.headers["stripe-signature"] ?? ""), secret!, 300);
      const rows =
        await sql`insert into events (source, external_id, type, status, raw_body, correlation_id, occurred_at)
        values ('stripe', ${event.id}, ${event.type}, 'ignored', ${body}, ${`cor_${randomUUID()}`}, to_timestamp(${event.created}))
        on conflict (source, external_id) do nothing returning id`;
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ received: true, duplicate: rows.length === 0 }));
    } catch (err) {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: (err as Error).message }));
    }
  })
  .listen(Number(port), "127.0.0.1", () => process.send?.("ready"));
