// Load generation with autocannon: each request a unique, freshly signed Stripe event of about 3 KB.
import autocannon from "autocannon";
import Stripe from "stripe";

export type LoadResult = {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  ok2xx: number;
};

const PADDING = "x".repeat(2600);
let seq = 0;
/** How many signed events were generated (sent or about to be): rows stored can never exceed it. */
export const generated = () => seq;

export function signedStripeEvent(secret: string, type = "payment_method.attached"): { body: string; header: string } {
  const id = `evt_bench_${process.pid}_${Date.now().toString(36)}_${(seq++).toString(36)}`;
  const body = JSON.stringify({
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    data: { object: { id: `pm_${seq}`, object: "payment_method", customer: "cus_bench", metadata: { note: PADDING } } },
  });
  return { body, header: Stripe.webhooks.generateTestHeaderString({ payload: body, secret }) };
}

export async function load(opts: {
  url: string;
  connections: number;
  seconds?: number;
  amount?: number;
  request?: () => { body: string; headers: Record<string, string> };
}): Promise<LoadResult> {
  const result = await autocannon({
    url: opts.url,
    method: "POST",
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds ?? 10 }),
    timeout: 30,
    headers: { "content-type": "application/json" },
    requests: opts.request
      ? [
          {
            setupRequest: (req: Record<string, unknown>) => {
              const r = opts.request!();
              return {
                ...req,
                body: r.body,
                headers: { ...(req.headers as object), ...r.headers, "content-type": "application/json" },
              };
            },
          },
        ]
      : undefined,
  } as autocannon.Options);
  const ok2xx = result["2xx"];
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    ok2xx,
  };
}
