// Shown while the checks run (network checks can take a few seconds): the header, a summary and rows as placeholders.
export default function ReadinessLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Running the readiness checks">
      <div className="mb-6 flex items-start justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Readiness</h1>
          <p className="mt-1 text-sm text-slate-600">
            Running the launch checks: database, Stripe, HubSpot, Zendesk, DNS and TLS…
          </p>
        </div>
      </div>
      <div className="animate-pulse">
        <div className="mb-8 rounded-lg border border-slate-200 bg-white px-5 py-4">
          <div className="h-5 w-56 rounded bg-slate-200" />
          <div className="mt-2 h-4 w-80 max-w-full rounded bg-slate-200" />
        </div>
        {[5, 3, 3].map((rows, g) => (
          <div key={g} className="mb-8">
            <div className="mb-2 h-5 w-36 rounded bg-slate-200" />
            <div className="rounded-lg border border-slate-200 bg-white">
              {Array.from({ length: rows }, (_, i) => (
                <div
                  key={i}
                  className="grid grid-cols-[6rem_15rem_1fr] gap-4 border-b border-slate-100 px-5 py-4 last:border-0"
                >
                  <div className="h-5 w-16 rounded-full bg-slate-200" />
                  <div className="h-4 w-40 rounded bg-slate-200" />
                  <div className="h-4 w-full max-w-md rounded bg-slate-200" />
                </div>
              ))}
            </div>
          </div>
        ))}
      </div>
      <span className="sr-only">Running the readiness checks…</span>
    </div>
  );
}
