// Shown while an event loads: the header, the summary grid and a few step rows as placeholders.
export default function EventLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading the event" className="animate-pulse">
      <div className="mb-3 h-4 w-16 rounded bg-slate-200" />
      <div className="mb-6">
        <div className="h-8 w-72 rounded bg-slate-200" />
        <div className="mt-2 h-4 w-96 max-w-full rounded bg-slate-200" />
      </div>
      <div className="grid grid-cols-2 gap-5 rounded-lg border border-slate-200 bg-white p-5 lg:grid-cols-4">
        {Array.from({ length: 8 }, (_, i) => (
          <div key={i}>
            <div className="h-3 w-20 rounded bg-slate-200" />
            <div className="mt-2 h-4 w-32 rounded bg-slate-200" />
          </div>
        ))}
      </div>
      <div className="mt-8 mb-3 h-5 w-16 rounded bg-slate-200" />
      <div className="rounded-lg border border-slate-200 bg-white">
        {Array.from({ length: 3 }, (_, i) => (
          <div key={i} className="flex gap-4 border-b border-slate-100 px-5 py-4 last:border-0">
            <div className="size-6 rounded-full bg-slate-200" />
            <div className="h-4 w-64 rounded bg-slate-200" />
          </div>
        ))}
      </div>
      <span className="sr-only">Loading the event…</span>
    </div>
  );
}
