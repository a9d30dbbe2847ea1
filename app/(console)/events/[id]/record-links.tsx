// Where this event's records live: the Stripe objects its payload names, the HubSpot contact and the
// support ticket its steps made, each opening the record (in the demo, the sandbox's own copy).
import type { ExternalLink, ExternalSystem } from "@/lib/links/external";

const SYSTEMS: Record<ExternalSystem, string> = {
  stripe: "Stripe",
  hubspot: "HubSpot",
  zendesk: "Zendesk",
  intercom: "Intercom",
};

export function RecordLinks({ links }: { links: ExternalLink[] }) {
  if (links.length === 0) return null;
  return (
    <section aria-labelledby="records-title" className="mt-4">
      <h2 id="records-title" className="mb-2 text-sm font-medium text-slate-600">
        Records in other tools
      </h2>
      <ul className="flex flex-wrap gap-2">
        {links.map((link) => (
          <li key={`${link.system}:${link.id}`}>
            {link.url ? (
              <a
                href={link.url}
                target="_blank"
                rel="noreferrer"
                className="inline-flex items-center gap-1.5 rounded-md border border-slate-200 bg-white px-2.5 py-1 text-sm text-slate-800 hover:border-indigo-300 hover:text-indigo-800"
              >
                <span className="font-medium">
                  {SYSTEMS[link.system]} {link.what.toLowerCase()}
                </span>
                <code className="font-mono text-xs text-slate-500">{link.id}</code>
                <span aria-hidden>↗</span>
                <span className="sr-only"> (opens in a new tab)</span>
              </a>
            ) : (
              <span
                className="inline-flex items-center gap-1.5 rounded-md border border-dashed border-slate-300 px-2.5 py-1 text-sm text-slate-700"
                title={link.system === "hubspot" ? "Set HUBSPOT_PORTAL_ID to link HubSpot records" : undefined}
              >
                <span className="font-medium">
                  {SYSTEMS[link.system]} {link.what.toLowerCase()}
                </span>
                <code className="font-mono text-xs text-slate-500">{link.id}</code>
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
