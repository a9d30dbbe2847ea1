// Shown while the erasures list loads.
export default function ErasuresLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading erasures" className="animate-pulse">
      <div className="mb-6">
        <div className="h-8 w-40 rounded bg-slate-200" />
        <div className="mt-2 h-4 w-96 max-w-full rounded bg-slate-200" />
      </div>
      <div className="rounded-lg border border-slate-200 bg-white">
        {Array.from({ length: 5 }, (_, i) => (
          <div key={i} className="flex gap-6 border-b border-slate-100 px-4 py-4 last:border-0">
            <div className="h-4 w-32 rounded bg-slate-200" />
            <div className="h-4 w-40 rounded bg-slate-200" />
            <div className="h-4 w-20 rounded bg-slate-200" />
          </div>
        ))}
      </div>
      <span className="sr-only">Loading erasures…</span>
    </div>
  );
}
