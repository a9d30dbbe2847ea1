// Shown while an erasure loads: the header and a few receipt lines as placeholders.
export default function ErasureLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading the erasure" className="animate-pulse">
      <div className="mb-3 h-4 w-20 rounded bg-slate-200" />
      <div className="mb-6">
        <div className="h-8 w-64 rounded bg-slate-200" />
        <div className="mt-2 h-4 w-96 max-w-full rounded bg-slate-200" />
      </div>
      <div className="rounded-lg border border-slate-200 bg-white">
        {Array.from({ length: 4 }, (_, i) => (
          <div key={i} className="flex gap-6 border-b border-slate-100 px-4 py-4 last:border-0">
            <div className="h-4 w-24 rounded bg-slate-200" />
            <div className="h-4 w-72 rounded bg-slate-200" />
          </div>
        ))}
      </div>
      <span className="sr-only">Loading the erasure…</span>
    </div>
  );
}
