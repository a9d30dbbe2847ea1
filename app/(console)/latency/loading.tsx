// Shown while the window's step records are read: the header, the chart and table as placeholders.
export default function LatencyLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading step latency">
      <div className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight">Latency</h1>
        <p className="mt-1 text-sm text-slate-600">Reading how long each step took…</p>
      </div>
      <div className="flex animate-pulse flex-col gap-6">
        <div className="h-4 w-72 max-w-full rounded bg-slate-200" />
        <div className="h-80 rounded-lg border border-slate-200 bg-white" />
        <div className="rounded-lg border border-slate-200 bg-white">
          {Array.from({ length: 6 }, (_, i) => (
            <div key={i} className="flex gap-4 border-b border-slate-100 px-4 py-3 last:border-0">
              <div className="h-4 w-32 rounded bg-slate-200" />
              <div className="h-4 w-56 rounded bg-slate-200" />
              <div className="ml-auto h-4 w-24 rounded bg-slate-200" />
            </div>
          ))}
        </div>
      </div>
      <span className="sr-only">Loading step latency…</span>
    </div>
  );
}
