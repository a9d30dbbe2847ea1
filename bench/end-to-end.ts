// Webhook received → HubSpot contact written on the sandbox: signed signups sent at a steady rate (a busy
// app's signups, not a burst: the burst section measures backlog drain); the latency of each is the
// sandbox's write time minus the send time.
import { signAppPayload } from "../lib/app-events/signature";
import * as control from "../sandbox/client";
import { percentile, type Row } from "./lib/stats";

type RecordedWrite = { at: string; durationMs: number; body: { inputs?: Array<{ id: string }> } };

export async function endToEnd(opts: {
  baseUrl: string;
  hubspotUrl: string;
  secret: string;
  count: number;
  perSecond: number;
}): Promise<Row[]> {
  await control.reset(opts.hubspotUrl);
  const sentAt = new Map<string, number>();
  const run = Date.now().toString(36);
  let errors = 0;
  const started = Date.now();
  const send = async (i: number) => {
    await new Promise((r) => setTimeout(r, Math.max(0, started + (i * 1000) / opts.perSecond - Date.now())));
    {
      const userId = `bench_${run}_${i}`;
      const body = JSON.stringify({
        id: `bench_e2e_${run}_${i}`,
        type: "user.signed_up",
        created: new Date().toISOString(),
        data: { userId, email: `${userId}@bench.test` },
      });
      sentAt.set(userId, Date.now());
      const res = await fetch(`${opts.baseUrl}/api/webhooks/app`, {
        method: "POST",
        headers: { "content-type": "application/json", "app-signature": signAppPayload(body, opts.secret) },
        body,
      });
      if (!res.ok) errors++;
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: opts.count }, (_, i) => send(i)));
  const latencies: number[] = [];
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const writes = (await control.requests(opts.hubspotUrl, {
      path: "/crm/v3/objects/contacts/batch/upsert",
    })) as unknown as RecordedWrite[];
    latencies.length = 0;
    // A batch upsert carries several events' contacts (the batcher coalesces concurrent writes): each counts.
    for (const w of writes)
      for (const input of w.body?.inputs ?? []) {
        const start = input.id ? sentAt.get(input.id) : undefined;
        if (start !== undefined) latencies.push(Date.parse(w.at) + w.durationMs - start);
      }
    if (latencies.length >= opts.count) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const p95 = percentile(latencies, 95);
  return [
    {
      section: "end to end",
      metric: `events at ${opts.perSecond}/s`,
      value: latencies.length,
      unit: `of ${opts.count}`,
      ok: latencies.length === opts.count && errors === 0,
    },
    { section: "end to end", metric: "webhook → HubSpot p50", value: percentile(latencies, 50), unit: "ms" },
    {
      section: "end to end",
      metric: "webhook → HubSpot p95",
      value: p95,
      unit: "ms",
      target: "≤ 1000 ms",
      ok: p95 <= 1000,
    },
  ];
}
