// Shown while the events page loads for the first time (later filter changes keep the table and dim it).
export default function EventsLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading events" className="animate-pulse">
      <div className="mb-6">
        <div className="h-7 w-32 rounded bg-slate-200" />
        <div className="mt-2 h-4 w-96 max-w-full rounded bg-slate-200" />
      </div>
      <div className="mb-4 flex flex-wrap gap-3">
        {[28, 36, 32, 64, 36, 36].map((w, i) => (
          <div key={i} className="h-9 rounded-md bg-slate-200" style={{ width: `${w * 4}px` }} />
        ))}
      </div>
      <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
        <div className="h-10 border-b border-slate-200 bg-slate-50" />
        {Array.from({ length: 10 }, (_, i) => (
          <div key={i} className="flex items-center gap-6 border-b border-slate-100 px-4 py-3 last:border-0">
            <div className="h-4 w-48 rounded bg-slate-200" />
            <div className="h-4 w-14 rounded-full bg-slate-200" />
            <div className="h-4 w-20 rounded-full bg-slate-200" />
            <div className="h-4 w-32 rounded bg-slate-200" />
            <div className="ml-auto h-4 w-24 rounded bg-slate-200" />
          </div>
        ))}
      </div>
      <span className="sr-only">Loading events…</span>
    </div>
  );
}
